// The privacy officer's report goal (issue 18): one patient, 30 days, 1 M audit rows on the
// server, p95 ≤ 500 ms. The central server in its own process on a fresh PostgreSQL with
// 50 workstations of 16 beds, 2,000 patients (40 per workstation, each staying ~11 days in one
// bed over 33 days) and 1,000,000 audit entries over those 33 days, written with one SQL
// statement (generate_series): three in four name a bed (bedLive, getTrend, getWaveformWindow,
// acknowledgeAlarm), one in five a patient id, the rest sign-ins. The report for one patient
// (by MRN, a different patient each time) over the last 30 days is asked through the HTTP route:
// a JSON page of 100 (to the last byte), and the CSV (to its first byte). Median of the runs' p95.
// `BENCH_RUNS=3 tsx --import ./test/support/raw-import.mjs test/bench/audit-report.ts`
import { request } from 'node:http';
import { cpus } from 'node:os';
import pg from 'pg';
import { ADMIN_TOKEN, enrolOn } from '../../server/test-support/central';
import { startBenchServer } from './bench-server';
import { median, quantile, report, round } from './stats';

const DAY_MS = 86_400_000;
const WORKSTATIONS = 50;
const BEDS = 16;
const PATIENTS_PER_WORKSTATION = 40;
const ROWS = 1_000_000;
const SPAN_DAYS = 33;
const STAY_DAYS = 11;

export interface AuditReportRun {
  jsonP95Ms: number;
  jsonP50Ms: number;
  csvFirstByteP95Ms: number;
  csvFirstByteP50Ms: number;
  entriesPerPatientMedian: number;
}

/** Time to the first byte and to the last, and the body. */
function timedGet(
  url: string,
): Promise<{ firstMs: number; lastMs: number; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstMs = -1;
    const req = request(
      url,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (firstMs < 0) firstMs = performance.now() - started;
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            firstMs,
            lastMs: performance.now() - started,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function seed(url: string, serverUrl: string, startMs: number): Promise<number> {
  for (let w = 0; w < WORKSTATIONS; w++)
    await enrolOn(serverUrl, `ws-${w}`, `Station ${w}`, `Unit ${w % 5}`);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // Patient k of workstation w: MRN BENCH-w-k, in bed k % 16, the (k / 16)th stay of that bed.
    const patientUuid = `md5('p' || w || '-' || k)::uuid`;
    await db.query(
      `INSERT INTO patients (id, workstation_id, created_at, mrn, family_name, given_name,
         birth_date, category, actor, at_ms)
       SELECT ${patientUuid}, 'ws-' || w, now(), 'BENCH-' || w || '-' || k, 'Benchperson', 'P' || k,
         '1970-01-01', 'adult', 'bench', $1::bigint
       FROM generate_series(0, $2 - 1) w, generate_series(0, $3 - 1) k`,
      [startMs, WORKSTATIONS, PATIENTS_PER_WORKSTATION],
    );
    await db.query(
      `INSERT INTO admissions (id, workstation_id, created_at, patient_id, bed_id, event, at_ms, actor)
       SELECT md5('a' || w || '-' || k || e.event)::uuid, 'ws-' || w, now(), ${patientUuid},
         'bed-' || (k % $4), e.event, $1::bigint + (k / $4) * $5::bigint + e.offset_ms, 'bench'
       FROM generate_series(0, $2 - 1) w, generate_series(0, $3 - 1) k,
         (VALUES ('admitted', 0::bigint), ('discharged', $5::bigint - 60000)) e (event, offset_ms)`,
      [startMs, WORKSTATIONS, PATIENTS_PER_WORKSTATION, BEDS, STAY_DAYS * DAY_MS],
    );
    const started = performance.now();
    // Entry i: workstation i % 50, evenly over the span; its bed, patient and user from i.
    await db.query(
      `INSERT INTO audit_events (id, workstation_id, created_at, at_ms, actor, action, subject, detail)
       SELECT md5('e' || i)::uuid, 'ws-' || (i % $2), now(), t.at_ms,
         'Nurse ' || (i % 211) || ' (nurse' || (i % 211) || ')',
         CASE WHEN r < 75 THEN (ARRAY['bedLive','getTrend','getWaveformWindow','acknowledgeAlarm'])[1 + r % 4]
              WHEN r < 95 THEN 'patientHistory' ELSE 'sign-in' END,
         CASE WHEN r < 75 THEN 'bedId=bed-' || ((i / $2) % $3) || CASE WHEN r % 4 = 3 THEN ' alarmId=al-' || i ELSE '' END
              WHEN r < 95 THEN 'patientId=' || md5('p' || (i % $2) || '-' || ((i / 7) % $4))::uuid
              ELSE 'user=nurse' || (i % 211) END,
         'from browser tab ' || (i % 9) || ' (page)'
       FROM generate_series(0::bigint, $5::bigint - 1) i,
         LATERAL (SELECT (i * 7919) % 100 AS r, $1::bigint + (i::bigint * $6::bigint) / $5 AS at_ms) t`,
      [startMs, WORKSTATIONS, BEDS, PATIENTS_PER_WORKSTATION, ROWS, SPAN_DAYS * DAY_MS],
    );
    const loadS = (performance.now() - started) / 1000;
    await db.query('VACUUM ANALYZE audit_events');
    await db.query('ANALYZE');
    return loadS;
  } finally {
    await db.end();
  }
}

export async function auditReportBench(runs: number, queriesPerRun = 40) {
  const central = await startBenchServer();
  const { server, database } = central;
  try {
    const nowMs = Date.now();
    const startMs = nowMs - SPAN_DAYS * DAY_MS;
    const loadS = await seed(database.url, server.url, startMs);
    const from = nowMs - 30 * DAY_MS;
    const results: AuditReportRun[] = [];
    let n = 0;
    const nextPatient = () => {
      n += 1;
      // Spread over workstations and beds, a different patient each time.
      return `BENCH-${(n * 17) % WORKSTATIONS}-${(n * 13) % PATIENTS_PER_WORKSTATION}`;
    };
    for (let run = 0; run < runs; run++) {
      const json: number[] = [];
      const csv: number[] = [];
      const counts: number[] = [];
      for (let i = 0; i < queriesPerRun + 3; i++) {
        const base = `${server.url}/api/admin/audit?patient=${nextPatient()}&from=${from}&to=${nowMs}`;
        const page = await timedGet(`${base}&limit=100`);
        if (page.status !== 200)
          throw new Error(`report: ${page.status} ${page.body.slice(0, 300)}`);
        const first = await timedGet(`${base}&format=csv`);
        if (first.status !== 200)
          throw new Error(`csv: ${first.status} ${first.body.slice(0, 300)}`);
        if (i < 3) continue; // warm-up: plans and caches
        json.push(page.lastMs);
        csv.push(first.firstMs);
        counts.push(first.body.split('\r\n').length - 2);
      }
      results.push({
        jsonP95Ms: quantile(json, 0.95),
        jsonP50Ms: quantile(json, 0.5),
        csvFirstByteP95Ms: quantile(csv, 0.95),
        csvFirstByteP50Ms: quantile(csv, 0.5),
        entriesPerPatientMedian: median(counts),
      });
    }
    return { results, loadS };
  } finally {
    await central.stop();
  }
}

export function auditReportRecords(
  { results, loadS }: Awaited<ReturnType<typeof auditReportBench>>,
  machine: Record<string, unknown>,
) {
  return [
    {
      bench: 'server.audit-report',
      what: `one patient's access audit over 30 days (by MRN; entries naming their ids and their beds during their stays), ${ROWS.toLocaleString('en')} audit rows of ${WORKSTATIONS} workstations and ${WORKSTATIONS * PATIENTS_PER_WORKSTATION} patients in PostgreSQL; GET /api/admin/audit JSON page of 100 to its last byte, and format=csv to its first byte`,
      unit: 'ms',
      p95Median: round(median(results.map((r) => r.jsonP95Ms))),
      p50Median: round(median(results.map((r) => r.jsonP50Ms))),
      runsP95: results.map((r) => round(r.jsonP95Ms)),
      csvFirstByteP95Median: round(median(results.map((r) => r.csvFirstByteP95Ms))),
      csvFirstByteP50Median: round(median(results.map((r) => r.csvFirstByteP50Ms))),
      csvRunsP95: results.map((r) => round(r.csvFirstByteP95Ms)),
      entriesPerPatientMedian: median(results.map((r) => r.entriesPerPatientMedian)),
      loadSeconds: round(loadS, 1),
      goal: 'p95 <= 500 ms',
      machine,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const machine = { cpus: cpus().length, node: process.version };
  const results = await auditReportBench(Number(process.env.BENCH_RUNS ?? 3));
  for (const record of auditReportRecords(results, machine)) report(record);
}
