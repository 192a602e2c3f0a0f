// A person using this screen (a pointer or a key) tells the host, so the idle lock starts again:
// at most every 20 s, and only while someone is signed in and the screen is not locked. Actions
// the host permits restart the idle lock by themselves; this covers reading and scrolling.
import { useEffect } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';

export const NOTE_ACTIVITY_EVERY_MS = 20_000;

/** Says whether input at `nowMs` should be told, and remembers it when it should. */
export function activityThrottle(everyMs = NOTE_ACTIVITY_EVERY_MS) {
  let lastMs: number | null = null;
  return (nowMs: number): boolean => {
    if (lastMs !== null && nowMs - lastMs < everyMs) return false;
    lastMs = nowMs;
    return true;
  };
}

export function useNoteActivity(client: WorkstationClient, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const due = activityThrottle();
    const note = () => {
      if (!due(Date.now())) return;
      // A lost note only means the screen may lock a little early: nothing to show.
      client.request('noteActivity', {}).catch(() => undefined);
    };
    const options = { capture: true, passive: true } as const;
    window.addEventListener('pointerdown', note, options);
    window.addEventListener('keydown', note, options);
    window.addEventListener('wheel', note, options);
    return () => {
      window.removeEventListener('pointerdown', note, options);
      window.removeEventListener('keydown', note, options);
      window.removeEventListener('wheel', note, options);
    };
  }, [client, active]);
}
