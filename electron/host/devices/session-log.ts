// Keeps each device's time on a bed as the store's device_sessions rows: assigned to the bed,
// connected (first data, and again after a loss), lost (with the reason shown to the nurse),
// removed (by whom). The central server names devices from these (FHIR Device, PCD-01). A row
// that cannot be kept is logged; monitoring never waits on it.
import type { DeviceState, DeviceStatus } from '../../../shared/model/schemas';
import type { DeviceSessionToStore } from '../store/device-sessions';

export interface DeviceSessionLogOptions {
  record(event: DeviceSessionToStore): Promise<void>;
  now(): number;
  log(message: string): void;
}

type Where = Pick<DeviceStatus, 'id' | 'driver' | 'path' | 'bedId'>;

export class DeviceSessionLog {
  readonly #last = new Map<string, DeviceState>();

  constructor(private readonly o: DeviceSessionLogOptions) {}

  assigned(device: Where): void {
    this.#last.delete(device.id);
    this.#keep(device, 'assigned', null);
  }

  /** Every status the device's session publishes; only changes of connection are kept. */
  status(status: DeviceStatus): void {
    const before = this.#last.get(status.id);
    this.#last.set(status.id, status.state);
    const wasUp = before === 'connected' || before === 'stale';
    const isUp = status.state === 'connected' || status.state === 'stale';
    if (isUp && !wasUp) this.#keep(status, 'connected', null);
    else if (wasUp && status.state === 'disconnected') this.#keep(status, 'lost', status.problem);
  }

  removed(device: Where, actor: string): void {
    this.#last.delete(device.id);
    this.#keep(device, 'removed', `by ${actor}`);
  }

  #keep(device: Where, event: DeviceSessionToStore['event'], detail: string | null): void {
    this.o
      .record({
        deviceId: device.id,
        driver: device.driver,
        path: device.path,
        bedId: device.bedId,
        event,
        detail,
        atMs: this.o.now(),
      })
      .catch((error: unknown) =>
        this.o.log(`store: that ${device.id} was ${event} is not kept: ${String(error)}`),
      );
  }
}
