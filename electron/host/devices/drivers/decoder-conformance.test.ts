// Every streaming driver of the manifest runs the one decoder-conformance suite
// (testing/decoder-conformance.ts); a new driver is one line here, its examples one entry in
// testing/worked-examples.ts. Each driver's own tests keep only what is particular to it.
import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../driver';
import { drivers } from '../manifest';
import {
  describeDecoderConformance,
  type DecoderConformance,
} from '../testing/decoder-conformance';
import { WORKED_EXAMPLES } from '../testing/worked-examples';
import { CMS50V5_FRAME_BYTES, CMS50V7_PACKET_BYTES } from './cms50';
import { DATEX_MAX_RECORD_BYTES } from './datex-framing';
import { HEALTHYPI4_FRAME_BYTES } from './healthypi4';
import { FLAG_TEMPERATURE_UNREADABLE, HEALTHYPI5_MAX_FRAME_BYTES } from './healthypi5';
import { INTELLIVUE_MAX_FRAME_BYTES } from './intellivue-framing';
import { MASIMO_MAX_LINE_BYTES } from './masimo';
import { NONIN_MAX_FRAME_BYTES } from './nonin';
import { OPENBCI_FRAME_BYTES } from './openbci';

/** HealthyPi 5 frames, told apart by what each type carries: 0x04 (PPG), 0x03 (8 ECG), 0x02. */
const healthypi5WireBytes = (frame: DecodedFrame): number =>
  frame.flags.includes(FLAG_TEMPERATURE_UNREADABLE)
    ? 5 + 19 + 2
    : (frame.samples.MDC_ECG_ELEC_POTL ?? []).length === 8
      ? 5 + 50 + 2
      : 5 + 22 + 2;

const fixed = (frameBytes: number) => ({
  maxPendingBytes: frameBytes - 1,
  wireBytes: () => frameBytes,
});

const CONFORMANCE: Record<string, Omit<DecoderConformance, 'examples'>> = {
  healthypi5: {
    maxPendingBytes: HEALTHYPI5_MAX_FRAME_BYTES - 1,
    wireBytes: healthypi5WireBytes,
  },
  healthypi4: fixed(HEALTHYPI4_FRAME_BYTES),
  'cms50-v7': fixed(CMS50V7_PACKET_BYTES),
  'cms50-v5': fixed(CMS50V5_FRAME_BYTES),
  'masimo-ascii': { maxPendingBytes: MASIMO_MAX_LINE_BYTES, endMarkerBytes: 2 },
  'nonin-2': fixed(NONIN_MAX_FRAME_BYTES),
  'nonin-7': fixed(NONIN_MAX_FRAME_BYTES),
  'nonin-8': fixed(4),
  'openbci-cyton': fixed(OPENBCI_FRAME_BYTES),
  'intellivue-mib': { maxPendingBytes: INTELLIVUE_MAX_FRAME_BYTES },
  'datex-s5': { maxPendingBytes: DATEX_MAX_RECORD_BYTES + 1, endMarkerBytes: 1 },
};

describe('decoder conformance', () => {
  it('covers every streaming driver of the manifest, each with its worked examples', () => {
    const ids = drivers.map((driver) => driver.descriptor.id).sort();
    expect(Object.keys(CONFORMANCE).sort()).toEqual(ids);
    expect(Object.keys(WORKED_EXAMPLES).sort()).toEqual(ids);
  });
});

for (const driver of drivers) {
  const { id } = driver.descriptor;
  const conformance = CONFORMANCE[id];
  if (conformance) {
    describeDecoderConformance(driver, { examples: WORKED_EXAMPLES[id] ?? [], ...conformance });
  }
}
