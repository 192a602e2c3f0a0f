import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { dataDirFromArgv, devicesFromArgv, optionValues } from './argv';

describe('the desktop app’s command line', () => {
  it('reads --name VALUE and --name=VALUE', () => {
    expect(optionValues(['app', '--data', '/a', '--data=/b', '--demo'], '--data')).toEqual([
      '/a',
      '/b',
    ]);
  });

  it('keeps the data where --data says, else in the app’s folder', () => {
    expect(dataDirFromArgv(['app', '--data', 'trial'], '/home/u/.config/CW/data')).toBe(
      resolve('trial'),
    );
    expect(dataDirFromArgv(['app'], '/home/u/.config/CW/data')).toBe('/home/u/.config/CW/data');
  });

  it('connects each --device, and reports a malformed one instead of starting without a word', () => {
    const reported: string[] = [];
    const devices = devicesFromArgv(
      ['app', '--device', 'healthypi5:/dev/ttyACM0@Bed 3', '--device=nonsense'],
      (message) => reported.push(message),
    );
    expect(devices).toEqual([{ driver: 'healthypi5', path: '/dev/ttyACM0', bed: 'Bed 3' }]);
    expect(reported).toHaveLength(1);
  });
});
