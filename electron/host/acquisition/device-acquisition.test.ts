import { describe, expect, it } from 'vitest';
import { Bus, type BusTopics } from '../bus';
import { healthypi5 } from '../devices/drivers/healthypi5';
import type { DecodedFrame } from '../devices/driver';
import { DeviceAcquisition } from './device-acquisition';

function frame(ecg: number, spo2: number, bioz: number | null): DecodedFrame {
  return {
    samples: {
      MDC_ECG_ELEC_POTL: [ecg],
      MDC_IMPED_TTHOR: bioz === null ? [] : [bioz],
      NOT_IN_DESCRIPTOR: [1],
    },
    numerics: { MDC_PULS_OXIM_SAT_O2: spo2, NOT_A_NUMERIC_OF_THIS_DEVICE: 5 },
    flags: [],
  };
}

function setup() {
  const bus = new Bus();
  const samples: BusTopics['samples'][] = [];
  const numerics: BusTopics['numeric'][] = [];
  bus.on('samples', (block) => samples.push(block));
  bus.on('numeric', (numeric) => numerics.push(numeric));
  const acquisition = new DeviceAcquisition('bed-1', 'dev-1', healthypi5.descriptor, bus);
  return { acquisition, samples, numerics };
}

describe('DeviceAcquisition', () => {
  it('groups one read into a block per channel, stamped, with the channel rate', () => {
    const { acquisition, samples } = setup();
    acquisition.ingest([frame(1, 98, 10), frame(2, 98, null), frame(3, 98, 11)], 1000);
    expect(samples.map((b) => [b.channel, b.values, b.rateHz])).toEqual([
      ['MDC_ECG_ELEC_POTL', [1, 2, 3], 128],
      ['MDC_IMPED_TTHOR', [10, 11], 64],
    ]);
    expect(samples[0]).toMatchObject({
      bedId: 'bed-1',
      deviceId: 'dev-1',
      t0: 1000 - (2 * 1000) / 128,
    });
  });

  it('publishes a numeric when it changes, and an unchanged one about once a second', () => {
    const { acquisition, numerics } = setup();
    acquisition.ingest([frame(0, 98, null)], 0);
    acquisition.ingest([frame(0, 98, null)], 500);
    acquisition.ingest([frame(0, 97, null)], 600);
    acquisition.ingest([frame(0, 97, null)], 1700);
    expect(numerics.map((n) => [n.refId, n.numeric.value, n.numeric.at, n.numeric.unit])).toEqual([
      ['MDC_PULS_OXIM_SAT_O2', 98, 0, '%'],
      ['MDC_PULS_OXIM_SAT_O2', 97, 600, '%'],
      ['MDC_PULS_OXIM_SAT_O2', 97, 1700, '%'],
    ]);
  });

  it('starts a new timeline after reset (the device reconnected)', () => {
    const { acquisition, samples } = setup();
    acquisition.ingest([frame(1, 98, null)], 1000);
    acquisition.ingest([frame(2, 98, null)], 1000 + 1000 / 128);
    acquisition.reset();
    acquisition.ingest([frame(3, 98, null)], 1100);
    expect(samples.filter((b) => b.channel === 'MDC_ECG_ELEC_POTL').map((b) => b.t0)).toEqual([
      1000,
      1000 + 1000 / 128,
      1100,
    ]);
  });
});
