// The FHIR api's search goal (issue 17): 24 h of one patient's vital signs at 1-minute resolution,
// p95 ≤ 200 ms. The central server in its own process on a fresh PostgreSQL; a patient admitted
// 26 h ago whose bed sent HR, SpO₂, pulse rate and RR every second (345,600 numerics), NIBP every
// 15 minutes and a temperature every hour, inserted with SQL (the rollup trigger runs as at
// ingest). A client with a token from the token endpoint asks
// Observation?patient=…&date=ge…&date=lt…&_count=10000 (every rollup of the day on one page,
// ~6,000 Observations) many times; the time is to the last byte of the answer. `npm run bench`, or alone:
// `tsx --import ./test/support/raw-import.mjs test/bench/fhir-search.ts`.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { SYNC_PATHS } from '../../shared/sync/protocol';
import { ADMIN_TOKEN, enrolOn } from '../../server/test-support/central';
import { bearer, call } from '../../server/test-support/http-client';
import { admission, patientVersion, pushFrame } from '../../server/test-support/rows';
import { startBenchServer } from './bench-server';
import { median, quantile, report, round } from './stats';

const DAY_MS = 86_400_000;

export interface FhirSearchRun {
  p50Ms: number;
  p95Ms: number;
  observations: number;
  bodyBytes: number;
}

/** The searches measured: the whole day of every vital sign, and the day of one code (HR). */
export const FHIR_SEARCHES = {
  all: '',
  heartRate: '&code=urn:iso:std:iso:11073:10101|147842',
} as const;

export async function fhirSearchBench(
  runs: number,
  searchesPerRun = 40,
): Promise<Record<keyof typeof FHIR_SEARCHES, FhirSearchRun[]>> {
  const central = await startBenchServer();
  const { server, database } = central;
  try {
    const ws = 'ws-bench';
    const credential = await enrolOn(server.url, ws, 'bench', 'Bench');
    const nowMs = Date.now();
    const admittedMs = nowMs - 26 * 3_600_000;
    const patient = patientVersion(ws, {
      mrn: 'BENCH-1',
      family: 'Benchperson',
      given: 'Test',
      atMs: admittedMs - 1_000,
      hlc: null,
    });
    const pushed = await call(server.url, SYNC_PATHS.push, {
      body: pushFrame(ws, [
        patient,
        admission(ws, {
          patientId: patient.row.id as string,
          bedId: 'bed-1',
          event: 'admitted',
          atMs: admittedMs,
        }),
      ]),
      headers: bearer(credential),
    });
    if (pushed.status !== 200) throw new Error(`push: ${pushed.status} ${pushed.text}`);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const seed = async (code: string, unit: string, everyMs: number, value: string) =>
      db.query(
        `INSERT INTO numerics (id, workstation_id, created_at, bed_id, device_id, code, value, unit, at_ms, computed)
         SELECT gen_random_uuid(), $1, now(), 'bed-1', 'dev-1', $2, ${value}, $3, t, false
         FROM generate_series($4::bigint, $5::bigint, $6::bigint) AS t`,
        [ws, code, unit, admittedMs, nowMs, everyMs],
      );
    await seed('MDC_ECG_HEART_RATE', '/min', 1_000, '70 + (t / 1000) % 7');
    await seed('MDC_PULS_OXIM_SAT_O2', '%', 1_000, '95 + (t / 1000) % 4');
    await seed('MDC_PULS_OXIM_PULS_RATE', '/min', 1_000, '71 + (t / 1000) % 5');
    await seed('MDC_RESP_RATE', '/min', 1_000, '14 + (t / 1000) % 3');
    await seed('MDC_PRESS_BLD_NONINV_SYS', 'mm[Hg]', 900_000, '120');
    await seed('MDC_PRESS_BLD_NONINV_DIA', 'mm[Hg]', 900_000, '80');
    await seed('MDC_PRESS_BLD_NONINV_MEAN', 'mm[Hg]', 900_000, '93');
    await seed('MDC_TEMP_BODY', 'Cel', 3_600_000, '37');
    await db.query('ANALYZE');
    await db.end();

    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const made = await call(server.url, '/api/admin/fhir-clients', {
      headers: bearer(ADMIN_TOKEN),
      body: {
        name: 'Bench EHR',
        jwk: { ...(await exportJWK(publicKey)), alg: 'ES384' },
        scopes: ['system/Observation.rs', 'system/Patient.rs'],
      },
      noProtocol: true,
    });
    const clientId = made.json.clientId as string;
    const tokenUrl = `${server.url}/fhir/r4/auth/token`;
    const newToken = async () => {
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES384' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(tokenUrl)
        .setExpirationTime(Math.floor(Date.now() / 1000) + 240)
        .setJti(randomUUID())
        .sign(privateKey);
      const answer = await call(server.url, '/fhir/r4/auth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: jwt,
          scope: 'system/Observation.rs system/Patient.rs',
        }).toString(),
        noProtocol: true,
      });
      return answer.json.access_token as string;
    };
    let token = await newToken();
    const patients = await call(server.url, '/fhir/r4/Patient?identifier=BENCH-1', {
      headers: bearer(token),
      noProtocol: true,
    });
    const patientId = patients.json.entry[0].resource.id as string;
    const from = new Date(nowMs - DAY_MS).toISOString();
    const to = new Date(nowMs).toISOString();
    const measure = async (extra: string): Promise<FhirSearchRun[]> => {
      const path = `/fhir/r4/Observation?patient=${patientId}&date=ge${from}&date=lt${to}&_count=10000${extra}`;
      const results: FhirSearchRun[] = [];
      for (let run = 0; run < runs; run++) {
        token = await newToken();
        const times: number[] = [];
        let observations = 0;
        let bodyBytes = 0;
        for (let i = 0; i < searchesPerRun + 3; i++) {
          // To the last byte of the answer; the client's own parsing is not the server's time.
          const started = performance.now();
          const answer = await fetch(`${server.url}${path}`, { headers: bearer(token) });
          const body = Buffer.from(await answer.arrayBuffer());
          const ms = performance.now() - started;
          if (answer.status !== 200)
            throw new Error(`search: ${answer.status} ${body.toString().slice(0, 300)}`);
          if (i < 3) continue; // warm-up: plans and caches
          times.push(ms);
          if (i === 3)
            observations =
              (JSON.parse(body.toString('utf8')) as { entry?: unknown[] }).entry?.length ?? 0;
          bodyBytes = body.byteLength;
        }
        results.push({
          p50Ms: quantile(times, 0.5),
          p95Ms: quantile(times, 0.95),
          observations,
          bodyBytes,
        });
      }
      return results;
    };
    return {
      all: await measure(FHIR_SEARCHES.all),
      heartRate: await measure(FHIR_SEARCHES.heartRate),
    };
  } finally {
    await central.stop();
  }
}

export function fhirSearchRecords(
  results: Record<keyof typeof FHIR_SEARCHES, FhirSearchRun[]>,
  machine: Record<string, unknown>,
) {
  const record = (bench: string, what: string, runs: FhirSearchRun[]) => ({
    bench,
    what,
    unit: 'ms',
    p95Median: round(median(runs.map((r) => r.p95Ms))),
    p50Median: round(median(runs.map((r) => r.p50Ms))),
    runsP95: runs.map((r) => round(r.p95Ms)),
    observations: runs[0]?.observations,
    bodyBytes: runs[0]?.bodyBytes,
    goal: 'p95 <= 200 ms',
    machine,
  });
  return [
    record(
      'fhir.search-24h-vitals',
      "FHIR Observation search of 24 h of one patient's vital signs at 1-min resolution (HR, SpO₂, PR, RR at 1 Hz, NIBP every 15 min, temperature hourly; every rollup on one page), server in its own process, loopback, to the last byte of the answer",
      results.all,
    ),
    record(
      'fhir.search-24h-heart-rate',
      "the same search for one code (MDC 147842, HR): 24 h of one patient's heart rate at 1-min resolution",
      results.heartRate,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const machine = { cpus: cpus().length, node: process.version };
  const results = await fhirSearchBench(Number(process.env.BENCH_RUNS ?? 3));
  for (const record of fhirSearchRecords(results, machine)) report(record);
}
