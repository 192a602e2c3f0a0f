// Loads a bed's trends and alarm starts for a time range (getTrend at one-minute resolution and
// getAlarmLog), keeping what was shown while a newer range loads so the screen does not blank.
import { useCallback, useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { alarmMarks, type AlarmMark } from './alarm-marks';
import { TREND_CODES } from './trend-groups';
import { MINUTE_MS, trendGrid, type TrendGrid } from './trend-grid';
import { reasonOf } from '../../api/reason';

/** 72 h is 4320 minutes: within one request at one-minute resolution. */
const MAX_POINTS = 5000;
const MAX_ALARM_EVENTS = 5000;

export type TrendData =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; grid: TrendGrid; marks: AlarmMark[]; updating: boolean };

export function useTrendData(
  client: WorkstationClient,
  bedId: string,
  fromMs: number,
  toMs: number,
): { data: TrendData; retry: () => void } {
  const [data, setData] = useState<TrendData>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    setData((shown) => (shown.state === 'ready' ? { ...shown, updating: true } : shown));
    Promise.all([
      client.request('getTrend', {
        bedId,
        codes: [...TREND_CODES],
        fromMs,
        toMs,
        maxPoints: MAX_POINTS,
      }),
      client.request('getAlarmLog', { bedId, fromMs, toMs, limit: MAX_ALARM_EVENTS }),
    ]).then(
      ([trends, log]) => {
        if (!current) return;
        setData({
          state: 'ready',
          grid: trendGrid(trends, fromMs, toMs, MINUTE_MS),
          marks: alarmMarks(log, fromMs, toMs),
          updating: false,
        });
      },
      (error: unknown) => {
        if (!current) return;
        setData({
          state: 'error',
          message: reasonOf(error),
        });
      },
    );
    return () => {
      current = false;
    };
  }, [client, bedId, fromMs, toMs, attempt]);

  return { data, retry };
}
