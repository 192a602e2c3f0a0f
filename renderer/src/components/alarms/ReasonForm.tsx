// Asks why before something is switched off (alarm audio, a parameter's alarms): a required
// reason, confirm and cancel. An empty reason is refused with a message, not silently.
import { useState, type FormEvent } from 'react';
import { strings } from '../../strings';

export interface ReasonFormProps {
  label: string;
  confirmLabel: string;
  busy: boolean;
  className: string;
  inputTestId: string;
  confirmTestId: string;
  /** Does the action with the trimmed reason; resolves true when it was done. */
  onConfirm(reason: string): Promise<boolean>;
  onCancel(): void;
}

export function ReasonForm(props: ReasonFormProps) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const why = reason.trim();
    if (!why) {
      setMissing(true);
      return;
    }
    if (await props.onConfirm(why)) {
      setReason('');
      setMissing(false);
    }
  };

  return (
    <form className={props.className} noValidate onSubmit={(e) => void submit(e)}>
      <label>
        {props.label}
        <input
          type="text"
          value={reason}
          required
          maxLength={200}
          autoFocus
          placeholder={strings.alarmAudio.reasonPlaceholder}
          aria-invalid={missing}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
          data-testid={props.inputTestId}
        />
      </label>
      <button
        type="submit"
        className="button button--danger"
        disabled={props.busy}
        data-testid={props.confirmTestId}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="button" onClick={props.onCancel}>
        {strings.alarmAudio.cancel}
      </button>
      {missing && (
        <span className="alarm-controls__problem" role="alert">
          {strings.alarmAudio.reasonRequired}
        </span>
      )}
    </form>
  );
}
