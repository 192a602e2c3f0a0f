// The PCD-01 flags of `npm run server`: where to send, how often, alarms or not, and a clear
// sentence for each mistake.
import { describe, expect, it } from 'vitest';
import { parseServerCommand } from '../cli/args';

const BASE = ['--db', 'postgres://postgres@127.0.0.1/x', '--port', '0', '--insecure-http'];

describe('--pcd01-to', () => {
  it('is off without it, and reads host, port, period and alarms with it', () => {
    expect(parseServerCommand(BASE)).toMatchObject({ kind: 'serve', pcd01: null });
    expect(parseServerCommand([...BASE, '--pcd01-to', 'engine.hospital.test:6661'])).toMatchObject({
      pcd01: { host: 'engine.hospital.test', port: 6661, everyS: 60, alarms: false },
    });
    expect(
      parseServerCommand([
        ...BASE,
        '--pcd01-to',
        '[::1]:2575',
        '--pcd01-every-s',
        '300',
        '--pcd01-alarms',
      ]),
    ).toMatchObject({ pcd01: { host: '::1', port: 2575, everyS: 300, alarms: true } });
  });

  it.each([
    [['--pcd01-to', 'engine'], /HOST:PORT/],
    [['--pcd01-to', 'engine:0'], /HOST:PORT/],
    [['--pcd01-to', 'engine:70000'], /HOST:PORT/],
    [['--pcd01-to', 'engine:6661', '--pcd01-every-s', '0'], /1 to 3600/],
    [['--pcd01-to', 'engine:6661', '--pcd01-every-s', 'often'], /must be a number/],
    [['--pcd01-alarms'], /need --pcd01-to/],
    [['--pcd01-every-s', '60'], /need --pcd01-to/],
  ])('refuses %j with a reason', (extra, reason) => {
    expect(() => parseServerCommand([...BASE, ...extra])).toThrow(reason);
  });
});
