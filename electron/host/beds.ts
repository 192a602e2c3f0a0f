// The beds this workstation watches: which devices feed each, the latest numerics, the alarms.
import type { Bed, Numeric } from '../../shared/model/schemas';
import type { AlarmSettings } from './alarms/limits';
import { BedAlarms } from './alarms/bed-alarms';
import { uuidv7 } from '../../shared/ids';

export class BedState {
  readonly deviceIds: string[] = [];
  readonly numerics = new Map<string, Numeric>();
  readonly alarms: BedAlarms;

  constructor(
    readonly id: string,
    readonly label: string,
    settings: AlarmSettings,
  ) {
    this.alarms = new BedAlarms(id, settings, () => uuidv7());
  }

  snapshot(): Bed {
    return {
      id: this.id,
      label: this.label,
      deviceIds: [...this.deviceIds],
      numerics: Object.fromEntries(this.numerics),
      alarms: this.alarms.list(),
    };
  }
}
