// The Omron download into a bed, with the byte-exact simulator injected where the HID transport
// would be (there is no virtual HID here) and a sink that de-duplicates the way the store does.
import { describe, expect, it } from 'vitest';
import { importBpReadings, readingRows, type ImportSink, type ImportedNumeric } from './bp-import';
import { OmronHem790itSimulator } from './simulators/omron-hem790it';
import type { BpReading } from './drivers/omron-hem790it';

const readings: BpReading[] = [
  { takenAt: '2026-11-20T08:15:00', systolic: 128, diastolic: 82, pulse: 66 },
  { takenAt: '2026-11-19T20:02:31', systolic: 141, diastolic: 90, pulse: 71 },
];

/** Keeps rows unique by bed, code and source key, like the store's unique index. */
function memorySink(): ImportSink & { rows: ImportedNumeric[] } {
  const rows: ImportedNumeric[] = [];
  return {
    rows,
    importNumerics(incoming) {
      return Promise.resolve(
        incoming.map((row) => {
          const seen = rows.some(
            (r) => r.bedId === row.bedId && r.refId === row.refId && r.sourceKey === row.sourceKey,
          );
          if (!seen) rows.push(row);
          return !seen;
        }),
      );
    },
  };
}

const target = (sink: ImportSink) => ({ bedId: 'bed-1', deviceId: 'omron-hem790it', sink });

describe('importing blood-pressure readings', () => {
  it('stores each reading as systolic, diastolic and pulse at the time the monitor took it', async () => {
    const sink = memorySink();
    const result = await importBpReadings(new OmronHem790itSimulator({ readings }), target(sink), {
      readTimeoutMs: 200,
    });
    expect(result).toMatchObject({ downloaded: 2, imported: 2, alreadyStored: 0 });
    expect(result.newest).toMatchObject({ systolic: 128, diastolic: 82, pulse: 66 });
    expect(sink.rows).toHaveLength(6);
    expect(sink.rows.slice(0, 3)).toEqual(readingRows('bed-1', 'omron-hem790it', readings[0]!));
    expect(sink.rows[0]).toMatchObject({
      refId: 'MDC_PRESS_BLD_NONINV_SYS',
      value: 128,
      unit: 'mm[Hg]',
      at: new Date(2026, 10, 20, 8, 15, 0).getTime(),
    });
  });

  it('a second download of the same monitor stores only the reading taken since', async () => {
    const sink = memorySink();
    await importBpReadings(new OmronHem790itSimulator({ readings }), target(sink), {
      readTimeoutMs: 200,
    });
    const later: BpReading = {
      takenAt: '2026-11-21T07:40:00',
      systolic: 122,
      diastolic: 79,
      pulse: 64,
    };
    const again = await importBpReadings(
      new OmronHem790itSimulator({ readings: [later, ...readings] }),
      target(sink),
      { readTimeoutMs: 200 },
    );
    expect(again).toMatchObject({ downloaded: 3, imported: 1, alreadyStored: 2 });
    expect(again.newest).toMatchObject({ takenAt: '2026-11-21T07:40:00' });
    expect(sink.rows).toHaveLength(9);
  });

  it('an empty monitor imports nothing and says so', async () => {
    const sink = memorySink();
    const result = await importBpReadings(new OmronHem790itSimulator(), target(sink), {
      readTimeoutMs: 200,
    });
    expect(result).toEqual({ downloaded: 0, imported: 0, alreadyStored: 0, newest: null });
  });
});
