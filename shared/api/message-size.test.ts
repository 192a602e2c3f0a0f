// The transports' cap comes from the contract's own limits: whatever the contract accepts fits in
// a message, and a message never has to be larger than that.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BULK_FIELD_MIN_CHARS, MESSAGE_ENVELOPE_BYTES, maxBulkChars } from './message-size';
import { MAX_CLIENT_MESSAGE_BYTES } from './wire';
import { requests, streams } from './contract';
import { MAX_SOUND_RECORDING_BASE64_CHARS } from '../model/sound-recording';

const BULK = BULK_FIELD_MIN_CHARS;

describe('maxBulkChars', () => {
  it('adds up the long strings of a schema, through optional fields, lists and unions', () => {
    expect(maxBulkChars(z.string())).toBe(0);
    expect(maxBulkChars(z.string().max(BULK - 1))).toBe(0);
    expect(maxBulkChars(z.string().max(BULK))).toBe(BULK);
    expect(
      maxBulkChars(
        z
          .object({
            a: z.string().max(BULK * 2),
            b: z.string().max(BULK).optional(),
            c: z.string().max(BULK).nullable(),
            d: z.array(z.string().max(BULK)).max(3),
            e: z.union([z.string().max(BULK * 5), z.number()]),
          })
          .strict()
          .refine(() => true),
      ),
    ).toBe(BULK * (2 + 1 + 1 + 3 + 5));
  });

  it('is Infinity for a list of long strings with no maximum length', () => {
    expect(maxBulkChars(z.object({ files: z.array(z.string().max(BULK)) }))).toBe(Infinity);
  });
});

describe('the largest message a client may send', () => {
  it('is the contract’s largest request plus its envelope, and stays within 64 MiB', () => {
    const largest = Math.max(
      ...Object.values(requests).map((request) => maxBulkChars(request.input)),
      ...Object.values(streams).map((stream) => maxBulkChars(stream.input)),
    );
    expect(Number.isFinite(largest)).toBe(true);
    expect(MAX_CLIENT_MESSAGE_BYTES).toBe(largest + MESSAGE_ENVELOPE_BYTES);
    expect(MAX_CLIENT_MESSAGE_BYTES).toBeLessThanOrEqual(64 * 1024 * 1024);
  });

  it('carries a record and a recording at the contract’s limits, whole', () => {
    const record = {
      type: 'request',
      id: Number.MAX_SAFE_INTEGER,
      method: 'importRecord',
      params: {
        bedLabel: 'B'.repeat(64),
        header: 'A'.repeat(1_000_000),
        signals: 'A'.repeat(40_000_000),
        annotations: 'A'.repeat(10_000_000),
        startMs: Date.now(),
      },
    };
    expect(requests.importRecord.input.safeParse(record.params).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(MAX_CLIENT_MESSAGE_BYTES);
    const recording = {
      type: 'request',
      id: 1,
      method: 'saveSoundRecording',
      params: {
        bedId: 'bed-1',
        label: 'L'.repeat(120),
        rateHz: 8000,
        startedAt: Date.now(),
        wavBase64: 'A'.repeat(MAX_SOUND_RECORDING_BASE64_CHARS),
      },
    };
    expect(requests.saveSoundRecording.input.safeParse(recording.params).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(recording))).toBeLessThanOrEqual(
      MAX_CLIENT_MESSAGE_BYTES,
    );
  });
});
