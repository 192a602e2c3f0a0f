import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../../shared/model/schemas';
import { bytesPerSecond, captureFileName, deviceRows, percent } from './device-rows';

const device = (over: Partial<DeviceStatus>): DeviceStatus => ({
  id: 'x',
  driver: 'healthypi5',
  path: '/dev/ttyACM0',
  bedId: 'bed-1',
  state: 'connected',
  framesOk: 0,
  framesBad: 0,
  bytesSkipped: 0,
  bytesSkippedPerS: 0,
  lastFrameAt: null,
  problem: null,
  ...over,
});

describe('deviceRows', () => {
  const beds = [
    { id: 'bed-10', label: 'Bed 10' },
    { id: 'bed-2', label: 'Bed 2' },
  ];
  const drivers = [{ id: 'healthypi5', displayName: 'HealthyPi 5' }];

  it('sorts by bed label as a person counts (2 before 10), then by port', () => {
    const rows = deviceRows(
      [
        device({ id: 'a', bedId: 'bed-10', path: '/dev/a' }),
        device({ id: 'c', bedId: 'bed-2', path: '/dev/c' }),
        device({ id: 'b', bedId: 'bed-2', path: '/dev/b' }),
      ],
      beds,
      drivers,
      0,
    );
    expect(rows.map((row) => row.device.id)).toEqual(['b', 'c', 'a']);
    expect(rows[0]).toMatchObject({ bedLabel: 'Bed 2', driverName: 'HealthyPi 5' });
  });

  it('gives the bad share and the age of the last frame, or null before any', () => {
    const [counted, silent] = deviceRows(
      [
        device({ id: 'a', bedId: 'bed-2', framesOk: 995, framesBad: 5, lastFrameAt: 10_000 }),
        device({ id: 'b', bedId: 'bed-10', driver: 'masimo' }),
      ],
      beds,
      drivers,
      10_250,
    );
    expect(counted).toMatchObject({ badShare: 0.005, lastFrameAgeS: 0.25 });
    expect(silent).toMatchObject({ badShare: null, lastFrameAgeS: null, driverName: 'masimo' });
  });

  it('keeps a device whose bed is gone, with no label', () => {
    const [row] = deviceRows([device({ bedId: 'gone' })], beds, drivers, 0);
    expect(row!.bedLabel).toBeNull();
  });
});

describe('percent', () => {
  it.each([
    [0, '0'],
    [0.0004, '< 0.1'],
    [0.005, '0.5'],
    [0.25, '25'],
  ])('%s → %s', (share, text) => expect(percent(share)).toBe(text));
});

describe('bytesPerSecond', () => {
  it.each([
    [0, '0'],
    [0.04, '< 0.1'],
    [0.4, '0.4'],
    [12.34, '12'],
    [1250, '1,250'],
  ])('%s → %s', (perS, text) => expect(bytesPerSecond(perS)).toBe(text));
});

describe('captureFileName', () => {
  it('names the driver and the local time', () => {
    const atMs = new Date(2025, 0, 2, 3, 4, 5).getTime();
    expect(captureFileName('cms50-v7', atMs)).toBe('cms50-v7-20250102-030405.bin');
  });
});
