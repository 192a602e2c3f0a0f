// The admin page's confirmation of something that cannot be undone (revoking a workstation or a
// FHIR client): what it does in words, the act itself, and Cancel (focused first; Escape too). A
// refusal is shown in it; a refused admin token goes to the page (sign in again).
import { useId, useState, type FormEvent } from 'react';
import { adminStrings as s } from '../strings/admin';
import { AdminError } from './admin-api';

export function DangerConfirm<T>({
  title,
  hint,
  act,
  actLabel,
  testId,
  actTestId,
  onCancel,
  onFailed,
  onDone,
}: {
  title: string;
  hint: string;
  act: () => Promise<T>;
  actLabel: string;
  testId: string;
  actTestId: string;
  onCancel: () => void;
  onFailed: (error: unknown) => void;
  onDone: (result: T) => void;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    act().then(onDone, (error: unknown) => {
      setBusy(false);
      if (error instanceof AdminError && error.unauthenticated) onFailed(error);
      else setProblem(error instanceof Error ? error.message : String(error));
    });
  };
  return (
    <form
      className="admin-confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint`}
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
      data-testid={testId}
    >
      <h3 id={`${id}-title`} className="admin-panel__title">
        {title}
      </h3>
      <p id={`${id}-hint`} className="admin-confirm__hint">
        {hint}
      </p>
      {problem && (
        <p className="admin-panel__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="admin-confirm__buttons">
        <button
          type="submit"
          className="button button--danger"
          disabled={busy}
          data-testid={actTestId}
        >
          {actLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} autoFocus>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
