// Ventricular ectopy on a live bed: MIT-BIH record 119 (ventricular bigeminy, both leads) played
// as a device publishes it, lead by lead in 100 ms blocks, through BedSignals. Its V beats come
// out marked with their times, PVCs per minute once a minute has been analysed, and bigeminy as
// an ectopy event; the second lead's blocks may come before or after the first's.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { SampleBlock } from '../../../shared/model/schemas';
import { readWfdb } from '../export/wfdb';
import { referenceData } from '../../../test/support/reference-data';
import { describeWhere, FROM_SHARED_DATA, missingFiles } from '../../../test/support/requirements';
import { BedSignals, PVC_REF_ID, type BedSignalSink, type ComputedNumeric } from './bed-signals';

const RECORD = referenceData('mitbih', '119');
const T0 = 1_780_000_000_000;
const SECONDS = 150;

function play(secondFirst: boolean) {
  const record = readWfdb(
    readFileSync(`${RECORD}.hea`, 'utf8'),
    new Uint8Array(readFileSync(`${RECORD}.dat`)),
  );
  const [lead0, lead1] = record.channels;
  const rateHz = lead0!.rateHz;
  const numerics: ComputedNumeric[] = [];
  const beats: { atMs: number; beatClass: string }[] = [];
  const ectopy: { event: string; active: boolean; at: number }[] = [];
  const sink: BedSignalSink = {
    numeric: (n) => numerics.push(n),
    rhythm: () => {},
    quality: () => {},
    ectopy: (_bed, event, active, at) => ectopy.push({ event, active, at }),
    beats: (_bed, marked) => beats.push(...marked),
  };
  const signals = new BedSignals(sink);
  const per = Math.round(rateHz / 10);
  const block = (channel: string, samples: Int32Array, i: number): SampleBlock => ({
    bedId: 'bed-1',
    deviceId: 'monitor-1',
    channel,
    rateHz,
    t0: T0 + (i * 1000) / rateHz,
    values: Array.from(samples.subarray(i, i + per)),
  });
  for (let i = 0; i < SECONDS * rateHz; i += per) {
    const first = block('MDC_ECG_ELEC_POTL_II', lead0!.samples, i);
    const second = block('MDC_ECG_ELEC_POTL_V1', lead1!.samples, i);
    for (const b of secondFirst ? [second, first] : [first, second]) signals.push(b);
  }
  return { numerics, beats, ectopy };
}

describeWhere(
  missingFiles([`${RECORD}.dat`, `${RECORD}.atr`], FROM_SHARED_DATA),
  'ventricular ectopy on a live bed (MIT-BIH 119)',
  () => {
    it('marks V beats, counts PVCs per minute after a minute, and calls bigeminy', () => {
      const { numerics, beats, ectopy } = play(false);
      const v = beats.filter((b) => b.beatClass === 'V');
      expect(v.length).toBeGreaterThanOrEqual(30); // the reference annotations hold 33
      // Each at the time of a V beat of the reference annotations (EC57's ±150 ms).
      const reference = readWfdb(
        readFileSync(`${RECORD}.hea`, 'utf8'),
        new Uint8Array(readFileSync(`${RECORD}.dat`)),
        new Uint8Array(readFileSync(`${RECORD}.atr`)),
      ).annotations.filter((a) => a.code === 'V');
      const matched = v.filter((b) =>
        reference.some((a) => Math.abs(T0 + a.timeMs - b.atMs) <= 150),
      );
      expect(matched.length).toBeGreaterThanOrEqual(v.length - 1);
      const pvc = numerics.filter((n) => n.refId === PVC_REF_ID);
      expect(pvc.length).toBeGreaterThan(0);
      expect(Math.min(...pvc.map((n) => n.at))).toBeGreaterThanOrEqual(T0 + 60_000 - 1000);
      expect(Math.max(...pvc.map((n) => n.value))).toBeGreaterThan(5);
      expect(ectopy.some((e) => e.event === 'bigeminy' && e.active)).toBe(true);
    });

    it("gives the same beats whichever lead's block comes first", () => {
      const a = play(false).beats;
      const b = play(true).beats;
      expect(b).toEqual(a);
    });
  },
);
