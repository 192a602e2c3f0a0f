// The states of a bed that silence or blind its alarm system, as a central tile must show them in
// words and a symbol: no device (not monitored, a state of its own rather than "No alarms"),
// alarm audio off or paused, parameters whose alarms are off. Pure; the tile draws them.
import type { AlarmAudio, AlarmOff, AlarmParameter } from '../../../shared/model/alarms';

export type BedStateKind = 'not-monitored' | 'audio-off' | 'audio-paused' | 'alarms-off';

export interface BedState {
  kind: BedStateKind;
  /** For alarms-off: which parameters, in the order they were switched off. */
  parameters?: AlarmParameter[];
  /** For audio-paused: when the pause ends (UTC ms). */
  until?: number | null;
}

export interface BedStateInput {
  /** Devices assigned to the bed now. */
  deviceCount: number;
  audio: AlarmAudio;
  alarmsOff: readonly AlarmOff[];
}

/** Most silencing first: a bed nobody measures, then audio off, paused, then alarms off. */
export function bedStates({ deviceCount, audio, alarmsOff }: BedStateInput): BedState[] {
  const states: BedState[] = [];
  if (deviceCount === 0) states.push({ kind: 'not-monitored' });
  if (audio.mode === 'off') states.push({ kind: 'audio-off' });
  if (audio.mode === 'paused') states.push({ kind: 'audio-paused', until: audio.until });
  if (alarmsOff.length > 0) {
    const parameters = [...alarmsOff].sort((a, b) => a.since - b.since).map((off) => off.parameter);
    states.push({ kind: 'alarms-off', parameters });
  }
  return states;
}
