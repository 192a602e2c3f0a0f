import { describe, expect, it } from 'vitest';
import { decodePush, encodePush, PushFrameError } from './push-frame';
import type { PushCodec } from './push-frame';
import { uuidv7 } from '../ids';

// The frame takes its compression from outside (zlib on Node); here, bytes as they are.
const codec: PushCodec = {
  compress: (b) => b,
  decompress: (b, maxBytes) => {
    if (b.byteLength > maxBytes) throw new Error('too large');
    return b;
  },
};
const meta = { protocol: 1, workstationId: 'ws-1', batchId: uuidv7() };

function chunk(bytes: number[]) {
  return {
    table: 'waveform_chunks' as const,
    row: {
      id: uuidv7(),
      workstation_id: 'ws-1',
      created_at: '2026-12-06T10:00:00.000Z',
      bed_id: 'bed-1',
      device_id: 'dev',
      channel: 'ECG II',
      rate_hz: 500,
      t0_ms: 1_765_000_000_000,
      sample_count: 3,
      encoding: 'wfrc1',
      data: new Uint8Array(bytes),
    },
  };
}

function numeric(value: unknown) {
  return {
    table: 'numerics' as const,
    row: {
      id: uuidv7(),
      workstation_id: 'ws-1',
      created_at: '2026-12-06T10:00:00.000Z',
      bed_id: 'bed-1',
      device_id: 'dev',
      code: 'MDC_ECG_HEART_RATE',
      value,
      unit: 'bpm',
      at_ms: 1_765_000_000_000,
      computed: false,
      source_key: null,
      patient_id: null,
    },
  };
}

describe('push frame', () => {
  it('carries rows and their bytes there and back, bytes outside the JSON', () => {
    const rows = [chunk([1, 2, 3]), numeric(72), chunk([9, 8])];
    const frame = encodePush(meta, rows, codec);
    const decoded = decodePush(frame, codec);
    expect(decoded.refused).toEqual([]);
    expect(decoded.batchId).toBe(meta.batchId);
    expect(decoded.rows.map((r) => r.table).sort()).toEqual([
      'numerics',
      'waveform_chunks',
      'waveform_chunks',
    ]);
    const chunks = decoded.rows.filter((r) => r.table === 'waveform_chunks');
    expect(chunks.map((c) => [...(c.row.data as Uint8Array)])).toEqual([
      [1, 2, 3],
      [9, 8],
    ]);
  });

  it('sets aside a row that fails its schema and keeps the others', () => {
    const frame = encodePush(meta, [numeric('seventy'), numeric(80)], codec);
    const decoded = decodePush(frame, codec);
    expect(decoded.rows).toHaveLength(1);
    expect(decoded.refused).toHaveLength(1);
    expect(decoded.refused[0]!.reason).toMatch(/value/);
  });

  it('refuses, as its row alone, a time that is not an instant (a database cast would fail all)', () => {
    const late = numeric(80);
    late.row.created_at = '2026-13-45 25:61';
    const decoded = decodePush(encodePush(meta, [late, numeric(81)], codec), codec);
    expect(decoded.rows).toHaveLength(1);
    expect(decoded.refused.map((r) => r.id)).toEqual([late.row.id]);
    expect(decoded.refused[0]!.reason).toMatch(/created_at/);
  });

  it('refuses what is not a frame, or is cut short, with a clear error', () => {
    const frame = encodePush(meta, [chunk([1, 2, 3])], codec);
    expect(() => decodePush(new TextEncoder().encode('{"rows":[]}'), codec)).toThrow(
      PushFrameError,
    );
    expect(() => decodePush(frame.subarray(0, frame.byteLength - 1), codec)).toThrow(/cut short/);
    const garbage = frame.slice();
    garbage[9] = garbage[9]! ^ 0xff;
    expect(() => decodePush(garbage, codec)).toThrow(PushFrameError);
  });
});
