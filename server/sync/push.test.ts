// Push against the real PostgreSQL over loopback HTTP: idempotent, atomic, and refusing with a
// clear answer whatever a hostile or broken workstation sends, without falling over.
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse } from '../../shared/sync/messages';
import { MAX_PUSH_BYTES } from '../../shared/sync/push-frame';
import { SYNC_PATHS, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import {
  NOW_MS,
  alarmEvent,
  numeric,
  patientVersion,
  pushFrame,
  waveformChunk,
} from '../test-support/rows';

let central: TestCentral;
let credential: string;
let otherCredential: string;

beforeAll(async () => {
  central = await startTestCentral();
  credential = await central.enrol('ws-a');
  otherCredential = await central.enrol('ws-b');
});
afterAll(() => central?.stop());

const push = (frame: Uint8Array, token = credential) =>
  call(central.url, SYNC_PATHS.push, { body: frame, headers: bearer(token) });

async function count(table: string, workstationId = 'ws-a'): Promise<number> {
  const { rows } = await central.server.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE workstation_id = $1`,
    [workstationId],
  );
  return Number(rows[0]!.n);
}

describe('push', () => {
  it('stores a batch once: sent again, every row is a duplicate and nothing is stored twice', async () => {
    const rows = [
      ...Array.from({ length: 20 }, () => waveformChunk('ws-a')),
      ...Array.from({ length: 30 }, (_, i) => numeric('ws-a', 60 + i)),
      alarmEvent('ws-a'),
    ];
    const frame = pushFrame('ws-a', rows);
    const first = await push(frame);
    expect(first.status).toBe(200);
    expect(PushResponse.parse(first.json)).toMatchObject({
      accepted: 51,
      duplicates: 0,
      refused: [],
    });
    const again = await push(frame);
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 51, refused: [] });
    expect(await count('waveform_chunks')).toBe(20);
    expect(await count('numerics')).toBe(30);
    expect(await count('alarm_events')).toBe(1);
    // The bytes are kept as sent.
    const sent = rows[0]!.row;
    const { rows: kept } = await central.server.db.query<{ data: Buffer }>(
      'SELECT data FROM waveform_chunks WHERE id = $1',
      [sent.id],
    );
    expect(Buffer.compare(kept[0]!.data, sent.data as Buffer)).toBe(0);
  });

  it('refuses a batch cut in half (400) and stores none of it', async () => {
    const before = await count('numerics');
    const frame = pushFrame(
      'ws-a',
      Array.from({ length: 200 }, () => numeric('ws-a')),
    );
    const half = await push(frame.subarray(0, Math.floor(frame.byteLength / 2)));
    expect(half.status).toBe(400);
    expect(half.json.error).toBe('bad-request');
    expect(await count('numerics')).toBe(before);
  });

  it("refuses another workstation's rows (403) and stores nothing of the batch", async () => {
    const before = await count('numerics');
    const mixed = pushFrame('ws-a', [numeric('ws-a'), numeric('ws-b'), numeric('ws-a')]);
    const answer = await push(mixed);
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'forbidden' });
    expect(answer.json.message).toMatch(/ws-b/);
    // A frame that claims another workstation, with that workstation's rows, under our credential.
    const claimed = await push(pushFrame('ws-b', [numeric('ws-b')]));
    expect(claimed.status).toBe(403);
    // And ws-b's own credential cannot push rows as ws-a.
    const posing = await push(pushFrame('ws-a', [numeric('ws-a')]), otherCredential);
    expect(posing.status).toBe(403);
    expect(await count('numerics')).toBe(before);
    expect(await count('numerics', 'ws-b')).toBe(0);
  });

  it('answers 401 without a credential or with an unknown one, 403 revoked once revoked', async () => {
    const frame = pushFrame('ws-a', [numeric('ws-a')]);
    const none = await call(central.url, SYNC_PATHS.push, { body: frame });
    expect(none.status).toBe(401);
    expect(none.json.error).toBe('unauthenticated');
    const unknown = await push(frame, 'x'.repeat(43));
    expect(unknown.status).toBe(401);

    const revokedCredential = await central.enrol('ws-revoked');
    const revoke = await call(central.url, '/api/admin/workstations/ws-revoked/revoke', {
      method: 'POST',
      headers: bearer('test-admin-token-0123456789abcdef'),
    });
    expect(revoke.status).toBe(200);
    const refused = await push(pushFrame('ws-revoked', [numeric('ws-revoked')]), revokedCredential);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('revoked');
    expect(await count('numerics', 'ws-revoked')).toBe(0);
  });

  it('answers 426 with the mismatch in words to a workstation of another protocol', async () => {
    const frame = pushFrame('ws-a', [numeric('ws-a')]);
    const newer = await call(central.url, SYNC_PATHS.push, {
      body: frame,
      headers: { ...bearer(credential), [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL + 1) },
    });
    expect(newer.status).toBe(426);
    expect(newer.json).toMatchObject({ error: 'protocol-too-new', serverProtocol: SYNC_PROTOCOL });
    expect(newer.json.message).toMatch(/Update the central server/);
    const older = await call(central.url, SYNC_PATHS.hello, {
      headers: { [SYNC_PROTOCOL_HEADER]: '0' },
    });
    expect(older.status).toBe(426);
    expect(older.json.message).toMatch(/Update the workstation/);
    const missing = await call(central.url, SYNC_PATHS.hello, { noProtocol: true });
    expect(missing.status).toBe(426);
    // A frame whose own protocol is newer than the header's.
    const inFrame = await push(pushFrame('ws-a', [numeric('ws-a')], undefined, SYNC_PROTOCOL + 5));
    expect(inFrame.status).toBe(426);
  });

  it('answers 400 to garbage and to JSON', async () => {
    for (const body of [
      new Uint8Array([1, 2, 3]),
      new TextEncoder().encode('{"rows":[]}'),
      new Uint8Array(0),
    ]) {
      const answer = await push(body);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toBe('bad-request');
    }
  });

  it('answers 413 to a body over the limit as soon as it is declared, before it is sent', async () => {
    const answer = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      let sentBytes = 0;
      const req = request(`${central.url}${SYNC_PATHS.push}`, {
        method: 'POST',
        agent: false,
        headers: {
          ...bearer(credential),
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
          'content-length': String(1024 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBytes });
        req.destroy();
      });
      req.on('error', (error) => reject(error));
      const chunk = Buffer.alloc(64 * 1024);
      const more = () => {
        if (sentBytes >= 1024 * 1024 * 1024) return;
        sentBytes += chunk.byteLength;
        if (req.write(chunk)) setImmediate(more);
        else req.once('drain', more);
      };
      more();
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 413 to a chunked body once it passes the limit, reading no further', async () => {
    const answer = await new Promise<{ status: number; sentBytes: number; body: string }>(
      (resolve, reject) => {
        let sentBytes = 0;
        let answered = false;
        const req = request(`${central.url}${SYNC_PATHS.push}`, {
          method: 'POST',
          agent: false,
          headers: { ...bearer(credential), [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL) },
        });
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, sentBytes, body });
            req.destroy();
          });
        });
        req.on('error', (error) => (answered ? undefined : reject(error)));
        const chunk = Buffer.alloc(256 * 1024, 7);
        const more = () => {
          if (answered || sentBytes > 512 * 1024 * 1024) return;
          sentBytes += chunk.byteLength;
          if (req.write(chunk)) setImmediate(more);
          else req.once('drain', more);
        };
        more();
      },
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toBe('too-large');
    // Answered around the limit, not after the client's 512 MB (send buffers hold some MB).
    expect(answer.sentBytes).toBeGreaterThan(MAX_PUSH_BYTES);
    expect(answer.sentBytes).toBeLessThan(MAX_PUSH_BYTES + 64 * 1024 * 1024);
    const { status } = await call(central.url, SYNC_PATHS.hello);
    expect(status).toBe(200);
  });

  it('keeps what PostgreSQL can store of 100 rows with hostile values, and refuses the rest by row', async () => {
    const tables = [
      () => waveformChunk('ws-a', { bytes: 16 }),
      () => numeric('ws-a'),
      () => alarmEvent('ws-a'),
      () =>
        patientVersion('ws-a', { mrn: 'F-1', family: 'Fuzz', given: 'F', atMs: NOW_MS, hlc: null }),
    ];
    const hostile = fc.oneof(
      fc.jsonValue(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '\u0000',
        '\ud800',
        'x\udfffy',
        '2026-02-30T00:00:00Z',
        '0000-01-01',
        '2026-12-06 10:00:00+99',
        '9999-12-31T23:59:59.999999Z',
        -1,
        2 ** 31,
        2 ** 53 - 1,
        1e308,
        5e-324,
        -0,
        { a: '\u0000' },
        Array.from({ length: 100 }).reduce<unknown>((inner) => [inner], 1),
      ),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), hostile, async (which, column, value) => {
        const pushed = tables[which % tables.length]!();
        const columns = Object.keys(pushed.row).filter(
          (c) => c !== 'workstation_id' && c !== 'data',
        );
        pushed.row[columns[column % columns.length]!] = value;
        const answer = await push(pushFrame('ws-a', [pushed, numeric('ws-a')]));
        expect(answer.status, answer.text).toBe(200);
        expect(answer.json.accepted + answer.json.refused.length).toBe(2);
        refused += answer.json.refused.length;
      }),
      { numRuns: 100 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('stays up and answers every one of 100 mutated frames with a 4xx or a 200, never 5xx', async () => {
    const base = pushFrame('ws-a', [
      waveformChunk('ws-a', { bytes: 64 }),
      numeric('ws-a'),
      alarmEvent('ws-a'),
    ]);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.nat(), { nil: undefined }),
        async (flips, cut) => {
          const frame = base.slice(
            0,
            cut === undefined ? base.byteLength : cut % (base.byteLength + 1),
          );
          for (const [at, value] of flips)
            if (frame.byteLength > 0) frame[at % frame.byteLength] = value;
          const answer = await push(frame);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500)).toBe(true);
          expect(typeof answer.json.error === 'string' || answer.status === 200).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await call(central.url, SYNC_PATHS.hello)).status).toBe(200);
  });
});
