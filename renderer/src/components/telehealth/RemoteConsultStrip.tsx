// The bedside's strip of remote consults, always in view under the alarm controls (never in a
// menu): who is watching and since when, connected now or not, the time left, and "End now",
// which ends the consult at once without asking (ending is always safe). An open invitation shows
// its code and Cancel; consults ended this stay are a small history line each, with why; the
// host's `problem` (the server unreachable, refused) is a warning line; the remote clinicians'
// notes are listed under it; what the remote clinician asked to be recorded, and whether it was
// kept, is a line under the consult. Nothing is drawn while the bed has had no consult this stay.
import { useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import { END_REASON_WORDS, spacedCode } from '../../../../shared/telehealth/invitation';
import { reasonOf } from '../../api/reason';
import { useNow } from '../../hooks/use-now';
import { telehealthStrings as s } from '../../strings/telehealth';
import { consultsAtBed, minutesLeft, minutesSince, stripOf } from './consults-at-bed';
import type { RemoteConsultsAtBed } from './use-remote-consults';
import { recordingWords } from './remote-recording';
import './telehealth.css';

export interface RemoteConsultStripProps {
  client: WorkstationClient;
  bedId: string;
  remote: RemoteConsultsAtBed;
}

export function RemoteConsultStrip({ client, bedId, remote }: RemoteConsultStripProps) {
  const now = useNow(1000);
  const [ending, setEnding] = useState<ReadonlySet<string>>(new Set());
  const [failed, setFailed] = useState<Record<string, string>>({});
  const { current, ended, notes } = consultsAtBed(remote.consults ?? []);
  if (remote.problem === null && current.length === 0 && ended.length === 0) return null;

  const end = (consult: RemoteConsult) => {
    if (ending.has(consult.id)) return;
    setEnding((was) => new Set(was).add(consult.id));
    setFailed(({ [consult.id]: _gone, ...rest }) => rest);
    const done = () =>
      setEnding((was) => {
        const next = new Set(was);
        next.delete(consult.id);
        return next;
      });
    client.request('endRemoteConsult', { bedId, consultId: consult.id }).then(done, (error) => {
      done();
      setFailed((was) => ({ ...was, [consult.id]: s.endFailed(reasonOf(error)) }));
    });
  };

  return (
    <section className="telehealth" aria-label={s.stripLabel} data-testid="telehealth-strip">
      {remote.problem && (
        <p className="telehealth__warning" role="alert">
          {s.streamProblem(remote.problem)}
        </p>
      )}
      {current.map((consult) => {
        const strip = stripOf(consult);
        const left = minutesLeft(consult.expiresAtMs, now);
        return (
          <div
            key={consult.id}
            className={`telehealth__strip telehealth__strip--${strip}`}
            data-testid="telehealth-consult"
            data-strip={strip}
          >
            <p className="telehealth__line">
              {strip === 'watching' && consult.viewer ? (
                <>
                  <strong className="telehealth__who">
                    {s.watching(
                      consult.viewer.name,
                      consult.viewer.sinceMs,
                      minutesSince(consult.viewer.sinceMs, now),
                    )}
                  </strong>
                  <span data-connected={consult.viewer.connected}>
                    {consult.viewer.connected ? s.connected : s.notConnected}
                  </span>
                </>
              ) : strip === 'starting' ? (
                <strong className="telehealth__who">{s.startingStrip}</strong>
              ) : (
                <>
                  <strong className="telehealth__who">{s.waiting}</strong>
                  {consult.code && (
                    <span className="telehealth__code">
                      {s.waitingCode(spacedCode(consult.code))}
                    </span>
                  )}
                </>
              )}
              <span className="telehealth__left">{s.timeLeft(left)}</span>
              <button
                type="button"
                className="button button--danger"
                onClick={() => end(consult)}
                aria-busy={ending.has(consult.id)}
                data-testid="telehealth-end"
              >
                {ending.has(consult.id)
                  ? s.ending
                  : strip === 'watching'
                    ? s.endNow
                    : s.cancelInvitation}
              </button>
            </p>
            {consult.problem && (
              <p className="telehealth__warning" data-testid="telehealth-problem-line">
                {consult.problem}
                {consult.checkedAtMs !== null && ` (${s.checked(consult.checkedAtMs, now)})`}
              </p>
            )}
            {consult.recordings.length > 0 && (
              <ul className="telehealth__recordings" data-testid="telehealth-recordings">
                {consult.recordings.slice(-3).map((r) => (
                  <li key={r.id} data-testid="telehealth-recording" data-status={r.status}>
                    {recordingWords.asked(r.askedBy, r.seconds, r.askedAtMs)}
                    {' — '}
                    <span className={r.status === 'refused' ? 'telehealth__warning' : undefined}>
                      {r.status === 'kept'
                        ? recordingWords.kept(r.durationS, r.heartRateBpm)
                        : r.status === 'refused'
                          ? recordingWords.refused(r.problem)
                          : recordingWords.recording}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {failed[consult.id] && (
              <p className="telehealth__warning" role="alert">
                {failed[consult.id]}
              </p>
            )}
          </div>
        );
      })}
      {ended.length > 0 && (
        <ul className="telehealth__history" aria-label={s.history} data-testid="telehealth-history">
          {ended.map((consult) => (
            <li key={consult.id}>
              {s.ended(consult.endedAtMs, now, consult.viewer?.name ?? null)}{' '}
              {consult.endReason ? END_REASON_WORDS[consult.endReason] : s.endedUnknown}
              {consult.endedBy && ` ${s.endedBy(consult.endedBy)}`}
              {consult.problem && <span className="telehealth__warning"> {consult.problem}</span>}
            </li>
          ))}
        </ul>
      )}
      {notes.length > 0 && (
        // Scrolls when long: focusable, so the keyboard can scroll it too.
        <section
          className="telehealth__notes"
          aria-label={s.notes}
          tabIndex={0}
          data-testid="telehealth-notes"
        >
          <h2 className="telehealth__notes-title">{s.notes}</h2>
          <ul>
            {notes.map((note) => (
              <li key={note.id}>
                <span className="telehealth__note-by">{s.noteBy(note.author, note.atMs, now)}</span>
                <span className="telehealth__note-text">{note.text}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
