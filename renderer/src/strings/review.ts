// The words of the review view (part of strings.ts: every sentence a person reads, in one place).
import { clockTime, dateAndTime } from '../clinical/clinical-time';

const clock = (atMs: number) => clockTime(atMs, { seconds: true });
const dayAndClock = (atMs: number) => dateAndTime(atMs, { seconds: true });
const one = (n: number) => n.toLocaleString([], { maximumFractionDigits: 1 });

export const reviewStrings = {
  title: 'Review',
  paperLabel: 'Full-disclosure signal on ECG paper',
  controls: 'Review controls',
  speed: 'Paper speed',
  speedValue: (mmPerS: number) => `${one(mmPerS)} mm/s`,
  gain: 'ECG gain',
  gainValue: (mmPerMv: number) => `${mmPerMv} mm/mV`,
  screenBack: '◀◀ Screen',
  screenBackLabel: 'Show the screen before (Page Up)',
  stepBack: '◀ 10 s',
  stepBackLabel: 'Move 10 seconds earlier (left arrow)',
  stepForward: '10 s ▶',
  stepForwardLabel: 'Move 10 seconds later (right arrow)',
  screenForward: 'Screen ▶▶',
  screenForwardLabel: 'Show the screen after (Page Down)',
  goTo: 'Go to',
  goToLabel: 'Date and time to show',
  position: 'Position in the stored record',
  positionValue: (atMs: number) => dayAndClock(atMs),
  window: (fromMs: number, toMs: number) => `${dayAndClock(fromMs)} – ${clock(toMs)}`,
  extent: (oldestMs: number, newestMs: number) =>
    `Stored from ${dayAndClock(oldestMs)} to ${dayAndClock(newestMs)}`,
  tick: clock,
  finding: 'Finding the stored signal…',
  loading: 'Loading the signal…',
  nothingStored:
    'No signal is stored for this bed in the last 72 hours. Connect a device, or import a record.',
  noSignalHere: 'No signal was stored in this window. Move along, or jump to an event.',
  failed: (reason: string) =>
    `The stored signal could not be read: ${reason}. Check the workstation is running and try again.`,
  retry: 'Try again',
  rowLabel: (label: string, gain: string) => `${label} · ${gain}`,
  uncalibrated: 'uncalibrated',
  // Events
  events: 'Alarms and events',
  beats: 'Beats',
  beatsReading: 'Reading the beats…',
  beatsFailed: (reason: string) => `The beats could not be read: ${reason}`,
  beatsInView: (counts: string) => `On the paper: ${counts} (beats not called normal).`,
  noBeatsInView: 'No beat on the paper was called other than normal.',
  beatClass: 'Beat class',
  beatClasses: {
    V: 'V — ventricular (PVC)',
    S: 'S — supraventricular premature',
    F: 'F — fusion',
    Q: 'Q — unclassifiable',
  } as Record<'S' | 'V' | 'F' | 'Q', string>,
  previousBeat: (c: string) => `◀ Previous ${c} beat`,
  nextBeat: (c: string) => `Next ${c} beat ▶`,
  previousBeatLabel: (c: string) => `Jump to the previous ${c} beat`,
  nextBeatLabel: (c: string) => `Jump to the next ${c} beat`,
  noNextBeat: (c: string) => `No ${c} beat stored after the middle of the paper.`,
  noPreviousBeat: (c: string) => `No ${c} beat stored before the middle of the paper.`,
  beatMark: (c: string) => `${c} beat`,
  eventsEmpty: 'No alarms or events were logged in the stored time.',
  eventsFailed: (reason: string) => `The alarm log could not be read: ${reason}.`,
  previousEvent: '◀ Previous event',
  previousEventLabel: 'Jump to the previous alarm or event',
  nextEvent: 'Next event ▶',
  nextEventLabel: 'Jump to the next alarm or event',
  eventText: (atMs: number, event: string, message: string) =>
    `${dayAndClock(atMs)} · ${event} · ${message}`,
  eventJump: (message: string) => `Show the signal around: ${message}`,
  // Calipers
  calipers: 'Calipers',
  timeCaliper: 'Time (RR, QT)',
  amplitudeCaliper: 'Amplitude (ST)',
  calipersHint:
    'Drag across the paper to place the markers; focus a marker and use the arrow keys to move it (Shift: 5 mm).',
  placeCalipers: 'Place calipers',
  clearCalipers: 'Clear',
  markerA: 'Caliper marker A',
  markerB: 'Caliper marker B',
  markerTimeValue: (atMs: number) =>
    clock(atMs) + `.${String(Math.round(atMs) % 1000).padStart(3, '0')}`,
  markerAmplitudeValue: (value: string) => value,
  interval: (ms: number) => `Δt ${Math.round(ms)} ms`,
  rate: (perMin: number) => `${Math.round(perMin)} /min`,
  amplitude: (value: number, unit: string) =>
    `Δ ${value.toLocaleString([], { maximumFractionDigits: unit === 'mV' ? 2 : 0 })} ${unit}`,
  countsUnit: 'counts (uncalibrated)',
  noReading: 'No caliper placed.',
};
