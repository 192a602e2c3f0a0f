// The remote clinician's page (telehealth.html, served by the central server at /telehealth/):
// the invitation's link brings its token in the fragment; the page asks for a name and the code
// the nurse read out (or, where the server offers it, a sign-in with the hospital account, from
// which the browser comes back here with the session cookie or a refusal to read), then shows the
// one invited patient. A reload picks the session up again
// from the server's cookie. When the consult ends, the page says why and shows nothing more.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { redeem, currentSession, type JoinedSession } from './viewer-api';
import { tokenFromFragment, type RefusalWords } from './viewer-link';
import { telehealthStrings as t } from './strings';
import { CodeEntry } from './CodeEntry';
import { accountOffer, beginAccountSignIn, type AccountOffer } from './account-api';
import { ViewerScreen, openConnection, type ShutOut } from './ViewerScreen';
import type { ViewerConnection } from './viewer-connection';

/** Kept for this tab only, until the code is accepted, so a reload of the code form keeps it. */
const TOKEN_KEY = 'telehealth.token';

type Phase =
  | { kind: 'checking' }
  | { kind: 'sign-in'; token: string; account: AccountOffer }
  | { kind: 'no-link' }
  | { kind: 'unreachable'; words: RefusalWords }
  | { kind: 'in'; joined: JoinedSession; connection: ViewerConnection }
  | { kind: 'shut-out'; title: string; sentence: string };

/** The link's token, taken out of the address at once so it is not left in the address bar. */
function takeToken(): string | null {
  const fromLink = tokenFromFragment(window.location.hash);
  if (fromLink) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    store(fromLink);
    return fromLink;
  }
  // Back from the hospital's sign-in page (#account): the refusal, if any, is asked for below.
  if (window.location.hash === '#account')
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function store(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // A browser that keeps nothing: the link must be opened again after a reload.
  }
}

export function TelehealthPage() {
  const [token] = useState(takeToken);
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  // The first reason stands: leaving also closes the socket, and the page should not flip from
  // one sentence to another.
  const shutOut = useCallback((why: ShutOut, sentence: string) => {
    const title = { ended: t.endedTitle, 'signed-out': t.noLinkTitle, left: t.leftTitle }[why];
    setPhase((now) => (now.kind === 'shut-out' ? now : { kind: 'shut-out', title, sentence }));
  }, []);

  const enter = useCallback(
    (joined: JoinedSession) => {
      store(null);
      setPhase({ kind: 'in', joined, connection: openConnection(shutOut) });
    },
    [shutOut],
  );

  useEffect(() => {
    let current = true;
    void currentSession().then((answer) => {
      if (!current) return;
      if (answer.ok) {
        enter(answer.value);
      } else if (answer.refusal.error === 'unreachable') {
        setPhase({ kind: 'unreachable', words: answer.refusal });
      } else if (answer.refusal.error === 'ended') {
        setPhase({ kind: 'shut-out', title: t.endedTitle, sentence: answer.refusal.message });
      } else if (!token) {
        setPhase({ kind: 'no-link' });
      } else {
        void accountOffer().then((account) => {
          if (current) setPhase({ kind: 'sign-in', token, account });
        });
      }
    });
    return () => {
      current = false;
    };
  }, [token, attempt, enter]);

  const join = useCallback(
    async (name: string, code: string) => {
      if (!token) return null;
      const answer = await redeem({ token, code, name });
      if (!answer.ok) return answer.refusal;
      enter(answer.value);
      return null;
    },
    [token, enter],
  );

  const signInWithAccount = useCallback(async () => {
    if (!token) return null;
    const answer = await beginAccountSignIn(token);
    if (!answer.ok) return answer.refusal;
    window.location.assign(answer.url);
    return null;
  }, [token]);

  switch (phase.kind) {
    case 'checking':
      return <Message title={t.checking} busy />;
    case 'no-link':
      return (
        <Message title={t.noLinkTitle}>
          <p>{t.noLink}</p>
        </Message>
      );
    case 'unreachable':
      return (
        <Message title={t.pageTitle} alert>
          <p>{phase.words.message}</p>
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {t.tryAgain}
          </button>
        </Message>
      );
    case 'sign-in':
      return (
        <CodeEntry
          onJoin={join}
          account={
            phase.account.offered
              ? { refusal: phase.account.refusal, onSignIn: signInWithAccount }
              : null
          }
        />
      );
    case 'in':
      return (
        <ViewerScreen joined={phase.joined} connection={phase.connection} onShutOut={shutOut} />
      );
    case 'shut-out':
      return (
        <Message title={phase.title} alert testId="shut-out">
          <p data-testid="shut-out-sentence">{phase.sentence}</p>
        </Message>
      );
  }
}

function Message({
  title,
  busy = false,
  alert = false,
  testId,
  children,
}: {
  title: string;
  busy?: boolean;
  alert?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <main
      className="full-screen telehealth-message"
      role={alert ? 'alert' : 'status'}
      aria-busy={busy}
      data-testid={testId}
    >
      <h1 className="full-screen__title">{title}</h1>
      {children}
    </main>
  );
}
