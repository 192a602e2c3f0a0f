// A real workstation driven through its api as a screen drives it, for the integration tests of
// the hand-overs (alarm settings, NEWS2): its real PGlite store on disk, a test alarm clock, no
// device (numerics are put on the bus as a device's would be). Start and restart it on the same
// data; ask it as a nurse; read a bed as the status request shows it.
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { testClock, type AlarmClock } from '../../electron/host/alarms/alarm-clock';
import { Status, type Bed } from '../../shared/model/schemas';

export class ApiWorkstation {
  clock: AlarmClock = testClock();
  workstation!: Workstation;

  constructor(
    private readonly dataDir: string,
    private readonly caller = { actor: 'nurse.ward' },
  ) {}

  /** Starts (or starts again, on the same data) with a fresh test clock. */
  async start(): Promise<void> {
    this.clock = testClock();
    this.workstation = await startWorkstation({
      dataDir: this.dataDir,
      devices: [],
      log: () => {},
      alarmClock: this.clock,
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    return this.workstation.router.request(method as never, params as never, this.caller);
  }

  async bed(id: string): Promise<Bed> {
    const { beds } = Status.parse(await this.request('getStatus', {}));
    const found = beds.find((b) => b.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  }
}
