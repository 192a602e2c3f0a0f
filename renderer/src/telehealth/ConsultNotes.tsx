// The remote clinician's consult notes: what was written so far (from the session, then each
// answer), a box for a new one, and leaving the consult (asked twice: it ends it for the nurse).
import { useId, useState, type FormEvent } from 'react';
import type { ConsultNote } from '../../../shared/telehealth/invitation';
import { NoteRequest } from '../../../shared/telehealth/viewer';
import { addNote } from './viewer-api';
import { telehealthStrings as t } from './strings';

const MAX_NOTE_CHARS = 4000;

/** Notes oldest first, each once (an answer may repeat one the session already had). */
export function mergeNotes(
  known: readonly ConsultNote[],
  added: readonly ConsultNote[],
): ConsultNote[] {
  const byId = new Map(known.map((note) => [note.id, note]));
  for (const note of added) byId.set(note.id, note);
  return [...byId.values()].sort((a, b) => a.atMs - b.atMs);
}

export function ConsultNotes({
  initial,
  onLeave,
}: {
  initial: readonly ConsultNote[];
  /** Leaves the consult; resolves with the refusal's sentence, or null once left. */
  onLeave: () => Promise<string | null>;
}) {
  const [notes, setNotes] = useState(() => mergeNotes([], initial));
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const noteId = useId();
  const titleId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = NoteRequest.safeParse({ text });
    if (!request.success || busy) return;
    setBusy(true);
    setProblem(null);
    const answer = await addNote(request.data);
    setBusy(false);
    if (!answer.ok) {
      setProblem(answer.refusal.message);
      return;
    }
    setNotes((known) => mergeNotes(known, [answer.value]));
    setText('');
  };

  const leave = async () => {
    setBusy(true);
    const refused = await onLeave();
    setBusy(false);
    if (refused) setProblem(refused);
    setConfirming(false);
  };

  return (
    <section
      className="telehealth-panel telehealth-notes"
      aria-labelledby={titleId}
      data-testid="consult-notes"
    >
      <h2 id={titleId} className="telehealth-panel__title">
        {t.notesTitle}
      </h2>
      {notes.length === 0 ? (
        <p className="telehealth-notes__none">{t.noNotes}</p>
      ) : (
        <ol className="telehealth-notes__list">
          {notes.map((note) => (
            <li key={note.id} className="telehealth-notes__note" data-testid="consult-note">
              <p className="telehealth-notes__by">{t.noteBy(note.author, note.atMs)}</p>
              <p className="telehealth-notes__text">{note.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="telehealth-notes__form" onSubmit={(event) => void submit(event)}>
        <label className="telehealth-field" htmlFor={noteId}>
          <span className="telehealth-field__label">{t.noteLabel}</span>
          <textarea
            id={noteId}
            className="telehealth-field__input telehealth-notes__text-box"
            rows={3}
            maxLength={MAX_NOTE_CHARS}
            value={text}
            onChange={(event) => setText(event.target.value)}
            data-testid="note-text"
          />
        </label>
        <button
          type="submit"
          className="button"
          disabled={busy || text.trim() === ''}
          data-testid="add-note"
        >
          {busy ? t.addingNote : t.addNote}
        </button>
      </form>
      {problem && (
        <p className="telehealth-notes__problem" role="alert" data-testid="notes-problem">
          {problem}
        </p>
      )}
      <div className="telehealth-notes__leave">
        {confirming ? (
          <>
            <p>{t.leaveConfirm}</p>
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              onClick={() => void leave()}
              data-testid="leave-confirm"
            >
              {t.leaveYes}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {t.leaveNo}
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => setConfirming(true)}
            data-testid="leave-consult"
          >
            {t.leave}
          </button>
        )}
      </div>
    </section>
  );
}
