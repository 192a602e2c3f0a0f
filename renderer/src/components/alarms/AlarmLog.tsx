// The bed's alarm history, newest first: every alarm state change with who did it and why. Read
// when the panel opens and again whenever the bed's alarm state changes.
import { useEffect, useState } from 'react';
import type { AlarmLogItem } from '../../../../shared/api/contract';
import type { WorkstationClient } from '../../../../shared/api/client';
import { actorName } from '../../clinical/alarm-log-actor';
import { timeOrDateAndTime } from '../../clinical/clinical-time';
import { useNow } from '../../hooks/use-now';
import { strings } from '../../strings';
import { reasonOf } from '../../api/reason';

export interface AlarmLogProps {
  client: WorkstationClient;
  bedId: string;
  /** Changes (by identity) whenever the bed's alarm state does: the log is read again. */
  refreshKey: unknown;
}

const t = strings.alarmLog;
const LIMIT = 200;

export function AlarmLog({ client, bedId, refreshKey }: AlarmLogProps) {
  const [items, setItems] = useState<AlarmLogItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(60_000);

  useEffect(() => {
    let current = true;
    client.request('getAlarmLog', { bedId, limit: LIMIT }).then(
      (log) => {
        if (!current) return;
        setItems(log);
        setError(null);
      },
      (err: unknown) => {
        if (current) setError(t.failed(reasonOf(err)));
      },
    );
    return () => {
      current = false;
    };
  }, [client, bedId, refreshKey]);

  return (
    <section className="device-panel alarm-log" aria-label={t.title}>
      <h2 className="device-panel__title">{t.title}</h2>
      {error && (
        <p className="device-panel__problem" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        !error && <p className="device-panel__hint">{t.loading}</p>
      ) : items.length === 0 ? (
        <p className="device-panel__hint" data-testid="alarm-log">
          {t.empty}
        </p>
      ) : (
        <table className="alarm-log__table" data-testid="alarm-log">
          <thead>
            <tr>
              <th scope="col">{t.time}</th>
              <th scope="col">{t.event}</th>
              <th scope="col">{t.priority}</th>
              <th scope="col">{t.message}</th>
              <th scope="col">{t.by}</th>
              <th scope="col">{t.reason}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr
                key={`${item.atMs}-${i}`}
                data-testid="alarm-log-row"
                data-event={item.event}
                data-priority={item.priority ?? undefined}
              >
                <td className="alarm-log__time">
                  {timeOrDateAndTime(item.atMs, now, { seconds: true })}
                </td>
                <td>{item.event}</td>
                <td>{priorityText(item.priority)}</td>
                <td>
                  {item.message}
                  {item.origin === 'device' && (
                    <span className="alarm-log__tag"> ({strings.deviceOriginTag})</span>
                  )}
                </td>
                <td data-testid="alarm-log-by">{actorName(item.actor)}</td>
                <td>{item.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function priorityText(priority: string | null): string {
  if (priority === 'high' || priority === 'medium' || priority === 'low') {
    return strings.alarmPriority[priority];
  }
  return priority ?? '';
}
