import { describe, expect, it } from 'vitest';
import { parseDeviceSpec } from './device-config';

describe('parseDeviceSpec', () => {
  it('reads driver and path, with an optional bed', () => {
    expect(parseDeviceSpec('healthypi5:/dev/ttyACM0')).toEqual({
      driver: 'healthypi5',
      path: '/dev/ttyACM0',
    });
    expect(parseDeviceSpec('cms50-v7:/dev/ttyUSB0@Bed 3')).toEqual({
      driver: 'cms50-v7',
      path: '/dev/ttyUSB0',
      bed: 'Bed 3',
    });
    expect(parseDeviceSpec('masimo-ascii:COM4@ICU 2')).toEqual({
      driver: 'masimo-ascii',
      path: 'COM4',
      bed: 'ICU 2',
    });
    expect(parseDeviceSpec('nonin-2:\\\\.\\COM10')).toEqual({
      driver: 'nonin-2',
      path: '\\\\.\\COM10',
    });
  });

  it('explains what is missing', () => {
    for (const bad of [
      'healthypi5',
      ':/dev/x',
      'healthypi5:',
      'healthypi5:/dev/x@',
      'healthypi5:@Bed 1',
    ]) {
      expect(parseDeviceSpec(bad)).toMatch(/--device needs DRIVER:PATH/);
    }
  });
});
