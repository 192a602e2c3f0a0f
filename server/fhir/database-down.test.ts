// The FHIR api while PostgreSQL cannot be reached: a 503 OperationOutcome saying to try again (and
// a Retry-After), not a 500 "failed", and the process goes on. Real loopback HTTP; the database is
// a port nothing listens on (connection refused).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import type { ServerContext } from '../http/context';
import { fhirRequestHandler } from './api';

const db = openDatabase('postgres://postgres@127.0.0.1:1/central', 1);
const logs: string[] = [];
const server = createServer((req, res) => {
  const handled = fhirRequestHandler({
    db,
    serverVersion: 'test',
    nowMs: Date.now,
    log: (line: string) => logs.push(line),
  } as unknown as ServerContext)(req, res);
  if (!handled) res.writeHead(404).end();
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.end();
});

it('answers 503 "try again" while the database is unreachable, twice in a row', async () => {
  for (let i = 0; i < 2; i++) {
    const answer = await fetch(`${url}/fhir/r4/Patient`, {
      headers: { authorization: 'Bearer some-token-0123456789' },
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('30');
    const body = (await answer.json()) as { resourceType: string; issue: { code: string }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]!.code).toBe('transient');
  }
  expect(logs.some((line) => /database is unreachable/.test(line))).toBe(true);
});
