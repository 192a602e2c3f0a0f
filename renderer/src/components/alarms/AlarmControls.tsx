// The bed's alarm audio controls under the alarm bar: pause for 2 minutes (with its countdown),
// switch audio off with a reason (shown for as long as it is off), and the parameters whose alarms
// are switched off, each with a way to switch them on again.
import { useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { AlarmAudio, AlarmOff, AlarmParameter } from '../../../../shared/model/alarms';
import { useNow } from '../../hooks/use-now';
import { strings } from '../../strings';
import { ReasonForm } from './ReasonForm';
import { reasonOf } from '../../api/reason';

export interface AlarmControlsProps {
  client: WorkstationClient;
  bedId: string;
  audio: AlarmAudio;
  alarmsOff: readonly AlarmOff[];
}

export function AlarmControls({ client, bedId, audio, alarmsOff }: AlarmControlsProps) {
  const now = useNow(500);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [askingReason, setAskingReason] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(strings.alarmAudio.failed(reasonOf(err)));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const setMode = (mode: 'on' | 'paused' | 'off', why?: string) =>
    run(() =>
      client.request('setAlarmAudio', why ? { bedId, mode, reason: why } : { bedId, mode }),
    );

  const switchOn = (parameter: AlarmParameter) =>
    void run(() => client.request('setAlarmOff', { bedId, parameter, off: false }));

  const confirmOff = async (why: string) => {
    const done = await setMode('off', why);
    if (done) setAskingReason(false);
    return done;
  };

  const remaining = audio.until === null ? 0 : audio.until - now;
  return (
    <section
      className="alarm-controls"
      aria-label={strings.alarmAudio.controls}
      data-testid="alarm-controls"
      data-mode={audio.mode}
    >
      <div className="alarm-controls__row">
        {audio.mode === 'paused' && (
          <p className="alarm-controls__state" data-testid="alarm-audio-state" role="status">
            {strings.alarmAudio.paused(strings.countdown(remaining))}
          </p>
        )}
        {audio.mode === 'off' && (
          <p
            className="alarm-controls__state alarm-controls__state--off"
            data-testid="alarm-audio-state"
            role="status"
          >
            {strings.alarmAudio.offState(audio.reason ?? '', audio.by, audio.carriedFrom)}
          </p>
        )}
        {audio.mode === 'on' && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void setMode('paused')}
            data-testid="alarm-audio-pause"
          >
            {strings.alarmAudio.pause}
          </button>
        )}
        {audio.mode === 'paused' && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void setMode('on')}
            data-testid="alarm-audio-resume"
          >
            {strings.alarmAudio.resume}
          </button>
        )}
        {audio.mode === 'off' ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void setMode('on')}
            data-testid="alarm-audio-on"
          >
            {strings.alarmAudio.on}
          </button>
        ) : (
          <button
            type="button"
            className="button"
            aria-expanded={askingReason}
            disabled={busy}
            onClick={() => setAskingReason((asking) => !asking)}
            data-testid="alarm-audio-off"
          >
            {strings.alarmAudio.off}
          </button>
        )}
        {alarmsOff.map((off) => {
          const label = strings.alarmParameter[off.parameter];
          return (
            <span
              key={off.parameter}
              className="alarm-controls__off"
              data-testid="alarm-off"
              data-parameter={off.parameter}
            >
              {strings.alarmAudio.parameterOff(label, off.reason, off.by, off.carriedFrom)}
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => switchOn(off.parameter)}
                aria-label={strings.alarmAudio.switchOnLabel(label)}
                data-testid="alarm-off-switch-on"
              >
                {strings.alarmAudio.switchOn}
              </button>
            </span>
          );
        })}
      </div>
      {askingReason && audio.mode !== 'off' && (
        <ReasonForm
          className="alarm-controls__form"
          label={strings.alarmAudio.reason}
          confirmLabel={strings.alarmAudio.confirmOff}
          busy={busy}
          inputTestId="alarm-reason"
          confirmTestId="alarm-reason-confirm"
          onConfirm={confirmOff}
          onCancel={() => setAskingReason(false)}
        />
      )}
      {error && (
        <p className="alarm-controls__problem" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
