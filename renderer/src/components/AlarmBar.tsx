// The bed's alarms, most urgent first, coloured and flashing per IEC 60601-1-8 (see styles.css).
// Priority and kind are also written out, so nothing is told by colour alone.
import { useState } from 'react';
import type { Alarm } from '../../../shared/model/schemas';
import type { AlarmAudio } from '../../../shared/model/alarms';
import { sortByUrgency } from '../clinical/alarm-urgency';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';
import { reasonOf } from '../api/reason';
import { StateIcon } from './StateIcon';

export interface AlarmBarProps {
  alarms: readonly Alarm[];
  /**
   * Called when a person acknowledges; a rejection is shown as text in the bar. Absent where
   * alarms cannot be acknowledged (the hospital central station): no button is shown.
   */
  onAcknowledge?: (alarm: Alarm) => Promise<unknown>;
  /** The bed's audio state: what sounds now is exposed as data-sounding (for tests). */
  audio?: AlarmAudio;
  /** False for a bed with no device: "not monitored", never "no active alarms". */
  monitored?: boolean;
}

export function AlarmBar({ alarms, onAcknowledge, audio, monitored = true }: AlarmBarProps) {
  const now = useNow(1000);
  const [inFlight, setInFlight] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const acknowledge = async (alarm: Alarm) => {
    if (!onAcknowledge) return;
    setError(null);
    setInFlight((ids) => new Set(ids).add(alarm.id));
    try {
      await onAcknowledge(alarm);
    } catch (err) {
      setError(strings.acknowledgeFailed(reasonOf(err)));
    } finally {
      setInFlight((ids) => {
        const next = new Set(ids);
        next.delete(alarm.id);
        return next;
      });
    }
  };

  const sorted = sortByUrgency(alarms);
  return (
    <section
      className={sorted.length > 0 ? 'alarm-bar' : 'alarm-bar alarm-bar--calm'}
      data-testid="alarm-bar"
      data-sounding={audio?.sounding ?? 'none'}
      data-reminders={audio?.reminders ?? 0}
      data-audio={audio?.mode ?? 'on'}
      aria-label={strings.alarmsRegion}
    >
      {!monitored && (
        // A bed nobody measures is a state of its own, with or without alarms left over.
        <p className="alarm-bar__calm alarm-bar__not-monitored" data-testid="not-monitored">
          <StateIcon name="unplugged" />
          {strings.notMonitored}
        </p>
      )}
      {sorted.length === 0 ? (
        monitored && <p className="alarm-bar__calm">{strings.noActiveAlarms}</p>
      ) : (
        <ul className="alarm-bar__list">
          {sorted.map((alarm) => (
            <AlarmItem
              key={alarm.id}
              alarm={alarm}
              now={now}
              busy={inFlight.has(alarm.id)}
              {...(onAcknowledge ? { onAcknowledge: () => void acknowledge(alarm) } : {})}
            />
          ))}
        </ul>
      )}
      {error && (
        <p className="alarm-bar__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

interface AlarmItemProps {
  alarm: Alarm;
  now: number;
  busy: boolean;
  onAcknowledge?: () => void;
}

function AlarmItem({ alarm, now, busy, onAcknowledge }: AlarmItemProps) {
  // An acknowledged alarm stays visible but has nothing left to acknowledge.
  const canAcknowledge = onAcknowledge !== undefined && alarm.state !== 'acknowledged';
  return (
    <li
      className="alarm"
      data-alarm-id={alarm.id}
      data-priority={alarm.priority}
      data-state={alarm.state}
      data-kind={alarm.kind}
      data-origin={alarm.origin}
      data-since={alarm.since}
    >
      <span className="alarm__mark" title={strings.alarmPriority[alarm.priority]}>
        {strings.alarmPriorityMark[alarm.priority]}
      </span>
      <span className="visually-hidden">{strings.alarmPriority[alarm.priority]}</span>
      {alarm.kind === 'technical' && <span className="alarm__tag">{strings.technicalTag}</span>}
      {alarm.origin === 'device' && (
        <span className="alarm__tag alarm__tag--origin">{strings.deviceOriginTag}</span>
      )}
      <span className="alarm__message">{alarm.message}</span>
      <span className="alarm__since">{strings.elapsed(now - alarm.since)}</span>
      {alarm.state !== 'active' && (
        <span className="alarm__state">{strings.alarmState[alarm.state]}</span>
      )}
      {canAcknowledge && (
        <button
          type="button"
          className="alarm__acknowledge"
          onClick={onAcknowledge}
          disabled={busy}
          aria-label={`${strings.acknowledge}: ${alarm.message}`}
        >
          {busy ? strings.acknowledging : strings.acknowledge}
        </button>
      )}
    </li>
  );
}
