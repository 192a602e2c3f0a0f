// Plays the bed's alarm sound as the host decides it: the sounder follows `audio.sounding`, and
// every increase of `audio.reminders` plays one burst of `audio.reminderPriority`.
// One AudioContext per page, created on first use and resumed on the first user gesture
// (browsers start it suspended until a person interacts with the page).
import { useEffect, useRef } from 'react';
import type { AlarmAudio } from '../../../../shared/model/alarms';
import { AlarmSounder, scheduleBurst } from '../../clinical/alarm-tones';

let sharedContext: AudioContext | null | undefined;

/** The page's AudioContext, or null where there is no Web Audio (tests, locked-down screens). */
export function pageAudioContext(): AudioContext | null {
  if (sharedContext !== undefined) return sharedContext;
  const Ctor =
    typeof window === 'undefined'
      ? undefined
      : (window.AudioContext ??
        (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext);
  if (!Ctor) return (sharedContext = null);
  try {
    sharedContext = new Ctor();
  } catch {
    sharedContext = null;
  }
  const ctx = sharedContext;
  if (ctx && ctx.state !== 'running') {
    const unlock = () => {
      void ctx.resume().catch(() => undefined);
      if (ctx.state === 'running') remove();
    };
    // On a click, not on pointerdown: the sound banner goes once the context runs, and going at
    // pointerdown moved the view up under the pointer before the button was released, so the
    // person's first click on the page was lost.
    const remove = () => {
      window.removeEventListener('keydown', unlock, true);
      window.removeEventListener('click', unlock, true);
    };
    ctx.addEventListener?.('statechange', () => {
      if (ctx.state === 'running') remove();
    });
    window.addEventListener('keydown', unlock, true);
    window.addEventListener('click', unlock, true);
  }
  return ctx;
}

export function useAlarmSound(audio: AlarmAudio): void {
  const sounderRef = useRef<AlarmSounder | null>(null);
  const remindersRef = useRef<number | null>(null);

  useEffect(() => {
    const ctx = pageAudioContext();
    if (!ctx) return;
    let sounder: AlarmSounder;
    try {
      sounder = new AlarmSounder(ctx);
    } catch {
      return;
    }
    sounderRef.current = sounder;
    return () => {
      sounder.dispose();
      sounderRef.current = null;
    };
  }, []);

  useEffect(() => {
    sounderRef.current?.setSounding(audio.sounding);
  }, [audio.sounding]);

  useEffect(() => {
    const previous = remindersRef.current;
    remindersRef.current = audio.reminders;
    // The first value seen is the starting point, not a reminder to play.
    if (previous === null || audio.reminders <= previous) return;
    const priority = audio.reminderPriority;
    const ctx = pageAudioContext();
    if (!ctx || priority === null) return;
    try {
      scheduleBurst(ctx, ctx.destination, priority, ctx.currentTime + 0.03);
    } catch {
      // No sound rather than a broken screen; the alarm bar still shows the alarm.
    }
  }, [audio.reminders, audio.reminderPriority]);

  // Expose the sound state for tests and for anyone inspecting the page.
  useEffect(() => {
    document.body.dataset.alarmSounding = audio.sounding ?? 'none';
    return () => {
      delete document.body.dataset.alarmSounding;
    };
  }, [audio.sounding]);
}
