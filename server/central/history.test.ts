// The hospital central station's review reads, on rows pushed through the real push endpoint into
// a fresh PostgreSQL database: per-minute trends, the waveform window cut and joined across packed
// rows (decoded with the store's codec), the extent, the alarm log, and a bed of a workstation
// that is not live, shown offline with its last data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../shared/ids';
import { encodeStoredChunk } from '../../shared/codec/waveform-codec';
import { SYNC_PATHS, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol';
import type { PushRow } from '../../shared/sync/push-frame';
import { startTestCentral, type TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { pushFrame } from '../test-support/rows';
import { until, viewer } from '../live/live-clients.test-support';

const WS = 'ws-history-0001';
const BED = `${WS}/bed-3`;
const TOKEN = 'test-viewer-token-0123456789abcdef';
/** A whole minute, 20 minutes ago. */
const T = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
const RATE_HZ = 250;

let central: TestCentral;

const common = () => ({ id: uuidv7(), workstation_id: WS, created_at: new Date(T).toISOString() });

function numeric(value: number, atMs: number, code = 'MDC_ECG_HEART_RATE'): PushRow {
  return {
    table: 'numerics',
    row: {
      ...common(),
      bed_id: 'bed-3',
      device_id: 'dev-1',
      code,
      value,
      unit: '/min',
      at_ms: atMs,
      computed: false,
      source_key: null,
      patient_id: null,
    },
  };
}

/** A packed row of 2 s: sample k is k + offset. */
function chunk(t0Ms: number, offset: number): PushRow {
  const values = Array.from({ length: 2 * RATE_HZ }, (_, k) => k + offset);
  return {
    table: 'waveform_chunks',
    row: {
      ...common(),
      bed_id: 'bed-3',
      device_id: 'dev-1',
      channel: 'MDC_ECG_ELEC_POTL_II',
      rate_hz: RATE_HZ,
      t0_ms: t0Ms,
      sample_count: values.length,
      encoding: 'wfrc1',
      data: encodeStoredChunk({ channel: 'MDC_ECG_ELEC_POTL_II', rateHz: RATE_HZ, t0Ms }, values),
    },
  };
}

function alarm(atMs: number, event: string, message: string): PushRow {
  return {
    table: 'alarm_events',
    row: {
      ...common(),
      bed_id: 'bed-3',
      alarm_id: 'a-1',
      event,
      kind: 'physiological',
      priority: 'high',
      code: 'HR_HIGH',
      message,
      value: 130,
      limit_value: 120,
      actor: 'workstation',
      at_ms: atMs,
      reason: null,
      origin: 'workstation',
    },
  };
}

function annotation(atMs: number, kind: string, text: string): PushRow {
  return {
    table: 'annotations',
    row: { ...common(), bed_id: 'bed-3', at_ms: atMs, kind, text, actor: 'workstation' },
  };
}

beforeAll(async () => {
  central = await startTestCentral({ viewerToken: TOKEN });
  const credential = await central.enrol(WS, 'Clinic Kisoro');
  const rows: PushRow[] = [
    {
      table: 'channels',
      row: {
        ...common(),
        bed_id: 'bed-3',
        device_id: 'dev-1',
        channel: 'MDC_ECG_ELEC_POTL_II',
        label: 'ECG II',
        unit: 'mV',
        rate_hz: RATE_HZ,
        scale: 0.005,
      },
    },
    // Minute 0: 60, 70, 80; minute 1: 90; minute 3: 100 (a gap at minute 2).
    numeric(60, T + 1_000),
    numeric(70, T + 20_000),
    numeric(80, T + 59_000),
    numeric(90, T + 61_000),
    numeric(100, T + 3 * 60_000 + 5_000),
    numeric(97, T + 30_000, 'MDC_PULS_OXIM_SAT_O2'),
    chunk(T, 0),
    chunk(T + 2_000, 2 * RATE_HZ),
    alarm(T + 10_000, 'raised', 'HR 130 > 120'),
    alarm(T + 20_000, 'acknowledged', 'HR 130 > 120'),
    alarm(T + 30_000, 'ended', 'HR 130 > 120'),
    annotation(T + 1_500, 'beat', 'V'),
    annotation(T + 2_500, 'beat', 'S'),
    annotation(T + 9_000, 'beat', 'V'),
    annotation(T + 5_000, 'note', 'V'), // a note that reads "V" is not a beat
    annotation(T + 7_000, 'beat', 'X'), // not a class: not shown as one
    {
      table: 'annotations',
      row: {
        ...common(),
        bed_id: 'bed-3',
        at_ms: T + 25_000,
        kind: 'consult-note',
        text: 'Sinus tachycardia; repeat ECG in 1 h.',
        actor: 'Dr Remote Example (remote clinician)',
      },
    },
  ];
  const answer = await call(central.url, SYNC_PATHS.push, {
    body: pushFrame(WS, rows),
    headers: bearer(credential),
  });
  expect(answer.status).toBe(200);
});
afterAll(async () => {
  await central?.stop();
});

const api = () => central.server.live.station.api;

describe('central station reads', () => {
  it('trends: per-minute mean, min, max and last, computed by SQL from the numerics', async () => {
    const trend = await api().request('getTrend', {
      bedId: BED,
      codes: ['MDC_ECG_HEART_RATE', 'MDC_TEMP_BODY'],
      fromMs: T,
      toMs: T + 5 * 60_000,
    });
    expect(trend).toEqual([
      {
        code: 'MDC_ECG_HEART_RATE',
        points: [
          { t: T, mean: 70, min: 60, max: 80, last: 80 },
          { t: T + 60_000, mean: 90, min: 90, max: 90, last: 90 },
          { t: T + 3 * 60_000, mean: 100, min: 100, max: 100, last: 100 },
        ],
      },
      { code: 'MDC_TEMP_BODY', points: [] },
    ]);
    // Wider buckets when the range holds more minutes than maxPoints.
    const wide = (await api().request('getTrend', {
      bedId: BED,
      codes: ['MDC_ECG_HEART_RATE'],
      fromMs: T,
      toMs: T + 40 * 60_000,
      maxPoints: 10,
    })) as Array<{ points: Array<{ t: number; mean: number }> }>;
    expect(wide[0]!.points.length).toBeLessThanOrEqual(10);
    // 5-minute buckets, aligned to the epoch so panning never moves them; the mean of every value.
    const first = wide[0]!.points[0]!;
    expect(first.t % (5 * 60_000)).toBe(0);
    expect(wide[0]!.points.map((p) => p.t)).toEqual([...new Set(wide[0]!.points.map((p) => p.t))]);
    const values: Array<[number, number]> = [
      [60, T + 1_000],
      [70, T + 20_000],
      [80, T + 59_000],
      [90, T + 61_000],
      [100, T + 3 * 60_000 + 5_000],
    ];
    const inFirst = values.filter(([, at]) => Math.floor(at / 300_000) * 300_000 === first.t);
    expect(first.mean).toBeCloseTo(inFirst.reduce((sum, [v]) => sum + v, 0) / inFirst.length);
  });

  it('full disclosure: the window cut across two packed rows, joined, with the channel’s scale', async () => {
    const window = (await api().request('getWaveformWindow', {
      bedId: BED,
      fromMs: T + 1_000,
      toMs: T + 3_000,
    })) as Array<{ t0Ms: number; values: number[]; label?: string; scale?: number | null }>;
    expect(window).toHaveLength(1);
    expect(window[0]!.t0Ms).toBe(T + 1_000);
    expect(window[0]!.values).toEqual(Array.from({ length: 500 }, (_, k) => k + 250));
    expect(window[0]).toMatchObject({ label: 'ECG II', unit: 'mV', scale: 0.005 });
    expect(await api().request('getWaveformExtent', { bedId: BED })).toEqual({
      oldestMs: T,
      newestMs: T + 4_000,
    });
    expect(await api().request('getWaveformExtent', { bedId: `${WS}/bed-unknown` })).toBeNull();
  });

  it('alarm log: newest first, bounded', async () => {
    const log = (await api().request('getAlarmLog', { bedId: BED, limit: 2 })) as Array<{
      event: string;
      atMs: number;
      limit: number | null;
    }>;
    expect(log.map((entry) => entry.event)).toEqual(['ended', 'consult note']);
    expect(log[0]).toMatchObject({ atMs: T + 30_000, limit: 120, message: 'HR 130 > 120' });
    // A remote clinician's consult note is an event of the stay, in its place in time.
    expect(log[1]).toMatchObject({
      atMs: T + 25_000,
      code: 'consult-note',
      actor: 'Dr Remote Example (remote clinician)',
      message: 'Dr Remote Example (remote clinician): Sinus tachycardia; repeat ECG in 1 h.',
    });
    const all = (await api().request('getAlarmLog', { bedId: BED })) as Array<{ event: string }>;
    expect(all.map((entry) => entry.event)).toEqual([
      'ended',
      'consult note',
      'acknowledged',
      'raised',
    ]);
  });

  it('beat marks: the workstation’s beats not called normal, and the next or previous of a class', async () => {
    expect(
      await api().request('getBeatMarks', { bedId: BED, fromMs: T, toMs: T + 60_000 }),
    ).toEqual([
      { atMs: T + 1_500, beatClass: 'V' },
      { atMs: T + 2_500, beatClass: 'S' },
      { atMs: T + 9_000, beatClass: 'V' },
    ]);
    const find = (fromMs: number, direction: 'next' | 'previous') =>
      api().request('findBeatMark', { bedId: BED, beatClass: 'V', fromMs, direction });
    expect(await find(T + 1_500, 'next')).toEqual({ atMs: T + 9_000, beatClass: 'V' });
    expect(await find(T + 9_000, 'previous')).toEqual({ atMs: T + 1_500, beatClass: 'V' });
    expect(await find(T + 9_000, 'next')).toBeNull();
    // Another workstation's bed of the same id is not this one.
    expect(
      await api().request('getBeatMarks', {
        bedId: 'ws-other/bed-3',
        fromMs: T,
        toMs: T + 60_000,
      }),
    ).toEqual([]);
  });

  it('shows a bed of a workstation that is not live as offline, with its last data', async () => {
    const view = await viewer(central.url, TOKEN);
    const status = (await view.request('getStatus', {})) as {
      beds: Array<{ id: string; label: string; site: unknown; offline: { lastDataMs: number } }>;
    };
    const bed = status.beds.find((b) => b.id === BED)!;
    expect(bed).toMatchObject({
      label: 'Bed 3',
      site: { workstationId: WS, workstationName: 'Clinic Kisoro', unit: 'ICU 2' },
    });
    // The newer of its last numeric and the end of its last waveform row.
    expect(bed.offline.lastDataMs).toBe(T + 3 * 60_000 + 5_000);
    const id = view.subscribe('bedLive', { bedId: BED, waveforms: 'primary' });
    await until(() => view.eventsOf(id).length > 0, 'the offline snapshot');
    expect(view.eventsOf(id)[0]).toMatchObject({
      type: 'snapshot',
      bed: { id: BED, offline: { lastDataMs: T + 3 * 60_000 + 5_000 } },
      channels: [],
    });
    // A bed nobody has: refused on the stream.
    const missing = view.subscribe('bedLive', { bedId: `${WS}/bed-99` });
    await until(() => view.errors.some((e) => e.id === missing), 'the refusal');
    expect(view.errors.find((e) => e.id === missing)!.error.code).toBe('not_found');
    await view.close();
  });

  it('serves the renderer only with the viewer token, with its CSP, and refuses foreign sockets', async () => {
    const without = await fetch(`${central.url}/`);
    expect(without.status).toBe(401);
    const page = await fetch(`${central.url}/?token=${TOKEN}`);
    expect([200, 503]).toContain(page.status); // 503 where the renderer is not built
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('set-cookie')).toContain('central_viewer_token=');
    const escape = await fetch(`${central.url}/..%2F..%2Fpackage.json?token=${TOKEN}`);
    expect(escape.status).toBe(404);
    // The sync api is still the sync api.
    const hello = await fetch(`${central.url}${SYNC_PATHS.hello}`, {
      headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL) },
    });
    expect(hello.status).toBe(200);
    // A page of another site may not open the station's socket, even with the cookie.
    const foreign = await new Promise<number>((resolve) => {
      void import('ws').then(({ default: WebSocket }) => {
        const ws = new WebSocket(`${central.url.replace('http', 'ws')}/api/ws`, {
          headers: { origin: 'http://evil.example', cookie: `central_viewer_token=${TOKEN}` },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
    });
    expect(foreign).toBe(403);
  });
});
