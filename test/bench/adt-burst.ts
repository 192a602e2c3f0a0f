// ADT in: a burst of 1,000 ADT messages (admits, transfers, updates, discharges, registrations,
// cancels for ~300 patients) over one MLLP connection, as an interface engine sends them: each
// message waits for its ACK (original mode). The central server runs as its own process
// (`--adt-port 0`) on a fresh PostgreSQL database; messages are made and sent by simple-hl7.
// Measured: the time from the first message sent to the last ACK read. Checked: every ACK is AA,
// every message is applied once, and each patient's census entry is the one its last message made,
// in the order sent. Goal (issue 17): ≤ 10 s. One JSON line; medians of BENCH_RUNS runs.
// Alone: `tsx --import ./test/support/raw-import.mjs test/bench/adt-burst.ts`.
import { cpus } from 'node:os';
import pg from 'pg';
import { ackView, adtMessage, mllpClient, sendAdt } from '../../server/test-support/adt-feed';
import type { AdtPerson } from '../../server/test-support/adt-feed';
import { freshDatabase } from '../../server/test-support/database';
import { startServerProcess } from '../../server/test-support/server-process';
import { median, report, round } from './stats';

const MESSAGES = 1_000;
const PATIENTS = 300;

interface Planned {
  event: string;
  controlId: string;
  person: AdtPerson;
}

/** A deterministic burst: every patient registered or admitted first, then a mix of events. */
function burst(run: number): Planned[] {
  let seed = 20_261_206 + run;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const mrn = (p: number) => `BENCH${run}-${String(p).padStart(4, '0')}`;
  const bed = (p: number) => ['ICU', String(1 + (p % 40)), random() < 0.5 ? 'A' : 'B', 'GH'];
  const planned: Planned[] = [];
  const add = (event: string, person: AdtPerson) =>
    planned.push({ event, controlId: `R${run}-${planned.length}`, person });
  for (let p = 0; p < PATIENTS; p++) {
    const first = p % 5 === 0 ? 'A04' : 'A01';
    add(first, {
      mrn: mrn(p),
      family: `Benchpatient${p}`,
      given: 'Test',
      birth: '19700101',
      sex: p % 2 ? 'F' : 'M',
      location: first === 'A01' ? bed(p) : ['CLINIC'],
      visit: `V${run}-${p}`,
      admit: '20261206080000+0000',
    });
  }
  const mix: [string, number][] = [
    ['A02', 0.35],
    ['A08', 0.3],
    ['A03', 0.15],
    ['A13', 0.07],
    ['A11', 0.06],
    ['A04', 0.07],
  ];
  while (planned.length < MESSAGES) {
    const p = Math.floor(random() * PATIENTS);
    let pick = random();
    const event = mix.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'A08';
    add(event, {
      mrn: mrn(p),
      given: event === 'A08' ? `Test${planned.length}` : undefined,
      location: event === 'A02' || event === 'A13' ? bed(p + planned.length) : undefined,
      discharge: event === 'A03' ? '20261207090000+0000' : undefined,
    });
  }
  return planned;
}

async function oneRun(adtPort: number, db: pg.Pool, run: number) {
  const planned = burst(run);
  const messages = planned.map((p) => adtMessage(p.event, p.controlId, p.person));
  const client = mllpClient(adtPort);
  const codes: string[] = [];
  const started = performance.now();
  try {
    for (const msg of messages) codes.push(ackView(await sendAdt(client, msg)).code);
  } finally {
    client.close?.();
  }
  const ms = performance.now() - started;
  const refused = codes.filter((c) => c !== 'AA').length;
  if (refused > 0) throw new Error(`${refused} of ${MESSAGES} messages were not acknowledged AA`);

  // Applied once each, and in order: each patient's entry is its last message's, and the census
  // orders patients as their last messages were sent.
  const { rows: logged } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM adt_messages WHERE control_id LIKE $1`,
    [`R${run}-%`],
  );
  if (Number(logged[0]!.n) !== MESSAGES) throw new Error(`${logged[0]!.n} messages logged`);
  const last = new Map<string, { event: string; index: number }>();
  planned.forEach((p, index) => last.set(p.person.mrn, { event: p.event, index }));
  const { rows } = await db.query<{ mrn: string; last_event: string }>(
    `SELECT mrn, last_event FROM census_patients WHERE mrn LIKE $1 ORDER BY seq`,
    [`BENCH${run}-%`],
  );
  const expectedOrder = [...last.entries()]
    .sort((a, b) => a[1].index - b[1].index)
    .map(([mrn]) => mrn);
  if (rows.map((r) => r.mrn).join() !== expectedOrder.join()) {
    throw new Error('the census does not order patients as their last messages were sent');
  }
  const wrong = rows.filter((r) => r.last_event !== last.get(r.mrn)!.event);
  if (wrong.length > 0) throw new Error(`${wrong.length} patients do not hold their last event`);
  return { ms, patients: rows.length };
}

export async function adtBurstBench(runs: number, machine: Record<string, unknown>) {
  const database = await freshDatabase('bench');
  const server = await startServerProcess([
    '--db',
    database.url,
    '--port',
    '0',
    '--insecure-http',
    '--adt-port',
    '0',
  ]);
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const port = Number(/^ADT listener .* at \S+:(\d+)$/m.exec(server.stdout())?.[1]);
    if (!port) throw new Error(`no ADT listener line in:\n${server.stdout()}`);
    // One short burst first to warm up (statements planned, connection pool filled).
    const results: { ms: number; patients: number }[] = [];
    for (let run = 0; run <= runs; run++) {
      const result = await oneRun(port, db, run);
      if (run > 0) results.push(result);
    }
    return [
      {
        bench: 'adt.burst-1000',
        what: `${MESSAGES} ADT messages (A01/A02/A03/A04/A08/A11/A13) for ${PATIENTS} patients over one MLLP connection, each waiting for its ACK, server in its own process, PostgreSQL on loopback; from the first message sent to the last ACK, all applied once and in order`,
        unit: 's',
        median: round(median(results.map((r) => r.ms / 1000))),
        runs: results.map((r) => round(r.ms / 1000)),
        messagesPerSecond: round(median(results.map((r) => MESSAGES / (r.ms / 1000))), 0),
        goal: '<= 10 s',
        machine,
      },
    ];
  } finally {
    await db.end();
    await server.stop();
    await database.drop();
  }
}

if (process.argv[1]?.endsWith('adt-burst.ts')) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const machine = { cpus: cpus().length, node: process.version };
  for (const record of await adtBurstBench(runs, machine)) report(record);
}
