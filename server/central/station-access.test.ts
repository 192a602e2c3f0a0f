// What the hospital central station opens is written to station_access_log: a bed's own screen
// (not a tile's primary wave), each kind of history read once a minute per bed, the address and
// browser as who; what the viewer gets is unchanged. Real PostgreSQL (a fresh central server's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from '../test-support/central';
import type { CentralApi } from './central-api';
import { loggedStationApi } from './station-access';

let central: TestCentral;
beforeAll(async () => {
  central = await startTestCentral();
});
afterAll(async () => {
  await central?.stop();
});

const inner: CentralApi = {
  request: async (method) => ({ answered: method }),
  subscribe: async () => () => undefined,
};

async function logged() {
  const { rows } = await central.server.db.query<{
    action: string;
    workstation_id: string;
    bed_id: string;
    address: string;
    user_agent: string;
    detail: string | null;
  }>(
    `SELECT action, workstation_id, bed_id, address, user_agent, detail
     FROM station_access_log ORDER BY seq`,
  );
  return rows;
}

describe('the hospital central station’s access log', () => {
  it('writes openings and history reads once a minute per bed and kind, nothing else', async () => {
    let nowMs = Date.UTC(2026, 11, 7, 9);
    const logs: string[] = [];
    const api = loggedStationApi(
      inner,
      central.server.db,
      { address: '10.9.8.7', userAgent: 'Chromium' },
      (line) => logs.push(line),
      () => nowMs,
    );
    const bedId = 'ws-icu/bed-4';
    expect(await api.request('getStatus', {})).toEqual({ answered: 'getStatus' });
    await api.subscribe('bedLive', { bedId, waveforms: 'primary' }, () => undefined); // a tile
    await api.subscribe('bedLive', { bedId }, () => undefined); // the bed's screen
    const window = { bedId, fromMs: nowMs - 3_600_000, toMs: nowMs, codes: ['X'] };
    expect(await api.request('getTrend', window)).toEqual({ answered: 'getTrend' });
    await api.request('getTrend', window); // the same minute: not again
    await api.request('getAlarmLog', { bedId });
    nowMs += 61_000;
    await api.request('getTrend', window); // a minute on: again
    const rows = await (async () => {
      for (let i = 0; i < 50; i++) {
        const found = await logged();
        if (found.length >= 4) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return logged();
    })();
    // Written as they come (the pool may finish them in another order).
    expect(rows.map((r) => r.action).sort()).toEqual(
      ['bedLive', 'getAlarmLog', 'getTrend', 'getTrend'].sort(),
    );
    expect(rows.find((r) => r.action === 'bedLive')).toMatchObject({
      workstation_id: 'ws-icu',
      bed_id: 'bed-4',
      address: '10.9.8.7',
      user_agent: 'Chromium',
      detail: null,
    });
    expect(rows.find((r) => r.action === 'getTrend')!.detail).toBe(
      'from 2026-12-07T08:00:00.000Z to 2026-12-07T09:00:00.000Z',
    );
    expect(logs).toEqual([]);
  });
});
