// Whether this screen can sound an alarm now. A browser starts the page's audio suspended until a
// person clicks or types (its autoplay rule); a screen without Web Audio never can. The desktop
// window is started with an autoplay policy that needs no gesture, so it can from the start.
import { useSyncExternalStore } from 'react';
import { pageAudioContext } from './useAlarmSound';

export type SoundAvailability = 'running' | 'blocked' | 'unavailable';

/** Pure: what an AudioContext's state means for alarm sound. */
export function soundAvailabilityOf(
  context: Pick<AudioContext, 'state'> | null,
): SoundAvailability {
  if (!context || context.state === 'closed') return 'unavailable';
  return context.state === 'running' ? 'running' : 'blocked';
}

function subscribe(onChange: () => void): () => void {
  const context = pageAudioContext();
  if (!context) return () => {};
  context.addEventListener('statechange', onChange);
  return () => context.removeEventListener('statechange', onChange);
}

const snapshot = () => soundAvailabilityOf(pageAudioContext());

/** This screen's ability to sound alarms, following the page's AudioContext. */
export function useSoundAvailability(): SoundAvailability {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Lets the page sound: must run inside a person's click or key press. */
export function unlockSound(): void {
  void pageAudioContext()
    ?.resume()
    .catch(() => undefined);
}
