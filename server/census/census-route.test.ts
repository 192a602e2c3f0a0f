// The census a workstation pulls (GET /api/sync/census): pages in change order with a cursor,
// only for an enrolled workstation, bad parameters refused in words; and the census kept across a
// server restart, a message sent again after it still applied once. ADT over real MLLP
// (simple-hl7), real PostgreSQL, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENSUS_PATH, CensusPage } from '../../shared/sync/census';
import { ackView, adtMessage, mllpClient, sendAdt } from '../test-support/adt-feed';
import type { AdtPerson } from '../test-support/adt-feed';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { freshDatabase } from '../test-support/database';
import type { TestDatabase } from '../test-support/database';
import { bearer, call } from '../test-support/http-client';

let database: TestDatabase;
let central: TestCentral;
let credential: string;

const start = () =>
  startTestCentral({ adt: { host: '127.0.0.1', port: 0 } }, database).then((c) => (central = c));

async function sendAll(messages: [string, string, AdtPerson][]) {
  const client = mllpClient(central.server.adt!.port);
  try {
    const acks = [];
    for (const [event, id, person] of messages) {
      acks.push(ackView(await sendAdt(client, adtMessage(event, id, person))));
    }
    return acks;
  } finally {
    client.close?.();
  }
}

async function page(query: string, token = credential) {
  const answer = await call(central.url, `${CENSUS_PATH}${query}`, { headers: bearer(token) });
  return answer;
}

beforeAll(async () => {
  database = await freshDatabase();
  await start();
  credential = await central.enrol('ws-census');
});

afterAll(async () => {
  await central?.stop();
  await database?.drop();
});

describe('the census endpoint', () => {
  it('pages the census in change order with a cursor', async () => {
    const acks = await sendAll(
      Array.from({ length: 7 }, (_, i) => [
        'A01',
        `P${i}`,
        { mrn: `TEST-${i}`, family: 'Testpatient', given: `N${i}`, location: ['ICU', `${i}`, 'A'] },
      ]),
    );
    expect(acks.every((a) => a.code === 'AA')).toBe(true);
    const seen: string[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const answer = await page(`?after=${cursor}&limit=3`);
      expect(answer.status).toBe(200);
      const body = CensusPage.parse(answer.json);
      seen.push(...body.entries.map((e) => e.mrn));
      pages += 1;
      if (body.entries.length > 0) expect(body.entries[0]!.seq).toBeGreaterThan(cursor);
      cursor = body.cursor;
      if (!body.more) break;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `TEST-${i}`));
    const done = CensusPage.parse((await page(`?after=${cursor}`)).json);
    expect(done).toEqual({ entries: [], cursor, more: false });

    // A change moves the patient past the cursor: the next pull brings just that.
    await sendAll([['A03', 'P-D2', { mrn: 'TEST-2' }]]);
    const next = CensusPage.parse((await page(`?after=${cursor}`)).json);
    expect(next.entries.map((e) => [e.mrn, e.status, e.lastEvent])).toEqual([
      ['TEST-2', 'discharged', 'A03'],
    ]);
    expect(next.more).toBe(false);
  });

  it('refuses without a credential, with a wrong one, and without the protocol header', async () => {
    const none = await call(central.url, CENSUS_PATH);
    expect(none.status).toBe(401);
    expect(none.json.message).toMatch(/credential/);
    const wrong = await page('', 'not-a-credential');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('unauthenticated');
    const old = await call(central.url, CENSUS_PATH, {
      headers: bearer(credential),
      noProtocol: true,
    });
    expect(old.status).toBe(426);
  });

  it.each([
    ['?after=-1', /after must be a whole number/],
    ['?after=abc', /after must be a whole number/],
    ['?limit=0', /limit must be a whole number from 1 to 500/],
    ['?limit=501', /limit must be a whole number from 1 to 500/],
    ['?limit=2.5', /limit/],
  ])('refuses %s with words', async (query, words) => {
    const answer = await page(query);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('bad-request');
    expect(answer.json.message).toMatch(words);
  });
});

describe('a restart', () => {
  it('keeps the census; a message sent again after it is applied once', async () => {
    const before = CensusPage.parse((await page('?after=0')).json);
    await central.stop();
    await start();
    const after = CensusPage.parse((await page('?after=0')).json);
    expect(after).toEqual(before);
    const [again, fresh] = await sendAll([
      ['A03', 'P-D2', { mrn: 'TEST-2' }],
      ['A02', 'P-T5', { mrn: 'TEST-5', location: ['ICU', '9', 'B'] }],
    ]);
    expect(again!.text).toMatch(/Already applied/);
    expect(fresh!.code).toBe('AA');
    const changes = CensusPage.parse((await page(`?after=${before.cursor}`)).json);
    expect(changes.entries.map((e) => e.mrn)).toEqual(['TEST-5']);
    expect(changes.entries[0]!.seq).toBeGreaterThan(before.cursor);
  });
});
