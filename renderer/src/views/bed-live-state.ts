// What the bedside view knows about its bed, rebuilt from the bedLive stream: the snapshot sets
// everything, later events update parts. Sample blocks are not state (they go to WaveformFeeds).
import type { StreamEvent } from '../../../shared/api/contract';
import type {
  Alarm,
  Bed,
  DeviceStatus,
  Numeric,
  WaveformChannel,
} from '../../../shared/model/schemas';
import type { AlarmAudio, AlarmOff, BedAlarmSettings } from '../../../shared/model/alarms';
import type { News2Status } from '../../../shared/model/news2';
import { quietBedAlarms } from '../../../shared/model/alarm-defaults';
import { strings } from '../strings';

export interface BedLiveState {
  bed: Bed | null;
  devices: DeviceStatus[];
  channels: WaveformChannel[];
  numerics: Record<string, Numeric>;
  alarms: Alarm[];
  alarmAudio: AlarmAudio;
  alarmsOff: AlarmOff[];
  alarmSettings: BedAlarmSettings | null;
  /** The early warning score now; null when there is nothing to score (or it is not known now). */
  news2: News2Status | null;
  /** Why the stream is not delivering, in words for a person; null while all is well. */
  streamProblem: string | null;
}

export type BedLiveAction =
  Exclude<StreamEvent<'bedLive'>, { type: 'samples' }> | { type: 'streamProblem'; message: string };

export const initialBedLiveState: BedLiveState = {
  bed: null,
  devices: [],
  channels: [],
  numerics: {},
  alarms: [],
  alarmAudio: quietBedAlarms().alarmAudio,
  alarmsOff: [],
  alarmSettings: null,
  news2: null,
  streamProblem: null,
};

export function bedLiveReducer(state: BedLiveState, action: BedLiveAction): BedLiveState {
  switch (action.type) {
    case 'snapshot':
      if (action.bed.offline) {
        // A central server's bed whose workstation is gone: nothing it last said is known to be
        // true now, so no alarm is shown or sounded from it; the screen says why.
        const { sinceMs, lastDataMs } = action.bed.offline;
        return {
          ...initialBedLiveState,
          bed: action.bed,
          devices: action.devices,
          channels: action.channels,
          numerics: action.bed.numerics,
          alarmSettings: action.bed.alarmSettings,
          streamProblem: strings.central.offline(sinceMs, lastDataMs),
        };
      }
      return {
        bed: action.bed,
        devices: action.devices,
        channels: action.channels,
        numerics: action.bed.numerics,
        alarms: action.bed.alarms,
        alarmAudio: action.bed.alarmAudio,
        alarmsOff: action.bed.alarmsOff,
        alarmSettings: action.bed.alarmSettings,
        news2: action.bed.news2 ?? null,
        streamProblem: null,
      };
    case 'numeric':
      return { ...state, numerics: { ...state.numerics, [action.refId]: action.numeric } };
    case 'alarms':
      return {
        ...state,
        alarms: action.alarms,
        alarmAudio: action.audio,
        alarmsOff: action.off,
        alarmSettings: action.settings,
      };
    case 'device': {
      const known = state.devices.some((d) => d.id === action.device.id);
      const devices = known
        ? state.devices.map((d) => (d.id === action.device.id ? action.device : d))
        : [...state.devices, action.device];
      return { ...state, devices };
    }
    case 'news2':
      return { ...state, news2: action.news2 };
    case 'beats':
      return state; // marks on the ECG sweep, not state (use-bed-live.ts)
    case 'streamProblem':
      return { ...state, streamProblem: action.message };
  }
}
