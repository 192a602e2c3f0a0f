// Downloading the USB blood-pressure monitor for the patient in a bed. The monitor is opened only
// for a bed with a patient, read, and closed before anything is stored. Readings taken since the
// patient came into the bed are stored for them; the others wait, in memory, for a person to
// assign them to that patient or drop them (both logged with who decided); a reading stored
// before, for anyone, is not stored again. Stopping the workstation closes a monitor being read.
import { downloadReadings, type DownloadOptions } from './drivers/omron-hem790it';
import { closableTransport, type HidReportTransport } from './transports/hid';
import {
  newestReading,
  readingRows,
  sortReadings,
  timedReading,
  type TimedReading,
} from './bp-import';
import { uuidv7 } from '../../../shared/ids';
import type { RequestOutput } from '../../../shared/api/contract';
import type { Patient } from '../../../shared/model/schemas';
import { patientName } from '../admissions';
import type { BedState } from '../beds';
import type { Bus } from '../bus';
import type { ImportAuditEvent, Store } from '../store/client';

/** A request that cannot be done; the message says why and what to do, in a sentence. */
export class BloodPressureRefusal extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'not_found' | 'conflict' = 'refused',
  ) {
    super(message);
  }
}

export interface BloodPressureServices {
  beds: ReadonlyMap<string, BedState>;
  store: Pick<Store, 'importNumerics' | 'readStoredReadings' | 'readCurrentAdmissions'>;
  bus: Bus;
  monitor: { id: string; displayName: string; open(): Promise<HidReportTransport> };
  /** The workstation's clock: the one admissions are timed by. */
  now(): number;
  log(message: string): void;
  downloadOptions?: DownloadOptions;
}

type DownloadResult = RequestOutput<'importBloodPressure'>;
type DecisionResult = RequestOutput<'assignBloodPressureReadings'>;

/** Readings of one download waiting for a person, for the patient they were held for. */
interface HeldDownload {
  bedId: string;
  patient: Patient;
  readings: Map<string, TimedReading>;
}

/** How many downloads' held readings are remembered (one per bed is kept; this bounds them). */
const MAX_HELD_DOWNLOADS = 64;

const when = (ms: number) => new Date(ms).toLocaleString('en-GB', { hour12: false });

export class BloodPressureDownloads {
  readonly #services: BloodPressureServices;
  readonly #held = new Map<string, HeldDownload>();
  #running: { monitor: HidReportTransport | null; done: Promise<unknown> } | null = null;
  #stopped = false;

  constructor(services: BloodPressureServices) {
    this.#services = services;
  }

  /** Downloads the monitor for the patient in the bed with this label. */
  download(bedLabel: string, actor: string): Promise<DownloadResult> {
    if (this.#stopped) {
      return Promise.reject(new BloodPressureRefusal('The workstation is stopping.', 'conflict'));
    }
    if (this.#running) {
      return Promise.reject(
        new BloodPressureRefusal('A download from the monitor is already running.', 'conflict'),
      );
    }
    const running: { monitor: HidReportTransport | null; done: Promise<unknown> } = {
      monitor: null,
      done: Promise.resolve(),
    };
    const done = this.#download(bedLabel, actor, running).finally(() => {
      this.#running = null;
    });
    running.done = done.catch(() => undefined);
    this.#running = running;
    return done;
  }

  /** Assigns held readings to the patient they were held for, or drops them. */
  async decide(
    decision: { downloadId: string; patientId: string; assign: string[]; drop: string[] },
    actor: string,
  ): Promise<DecisionResult> {
    const held = this.#held.get(decision.downloadId);
    if (!held) {
      throw new BloodPressureRefusal(
        'These readings are no longer waiting (a newer download or a restart replaced them): download the monitor again.',
        'not_found',
      );
    }
    const bed = this.#services.beds.get(held.bedId);
    const name = patientName(held.patient);
    if (!bed || decision.patientId !== held.patient.id || bed.patient?.id !== held.patient.id) {
      this.#held.delete(decision.downloadId);
      throw new BloodPressureRefusal(
        `${name} is no longer in ${bed?.label ?? held.bedId}: nothing was kept. Download the monitor again in the bed of the patient they belong to.`,
        'conflict',
      );
    }
    const unknown = [...decision.assign, ...decision.drop].filter((k) => !held.readings.has(k));
    const both = decision.assign.filter((k) => decision.drop.includes(k));
    if (unknown.length > 0 || both.length > 0) {
      throw new BloodPressureRefusal(
        unknown.length > 0
          ? `${unknown.length} of these readings are not waiting in this download: download the monitor again.`
          : 'A reading cannot be both assigned and dropped.',
      );
    }
    const at = this.#services.now();
    const assigned = decision.assign.map((k) => held.readings.get(k)!);
    const dropped = decision.drop.map((k) => held.readings.get(k)!);
    const audit: ImportAuditEvent[] = [];
    const device = this.#services.monitor.displayName;
    if (assigned.length > 0) {
      audit.push({
        atMs: at,
        actor,
        action: 'blood-pressure-assigned',
        subject: held.patient.id,
        detail: `${describe(assigned)} of the ${device}, taken before ${name} came into ${bed.label}, kept for them`,
      });
    }
    if (dropped.length > 0) {
      audit.push({
        atMs: at,
        actor,
        action: 'blood-pressure-dropped',
        subject: held.patient.id,
        detail: `${describe(dropped)} of the ${device} not kept for ${name} (${bed.label})`,
      });
    }
    const stored = await this.#store(bed, held.patient, assigned, audit);
    for (const reading of [...assigned, ...dropped]) held.readings.delete(reading.key);
    if (held.readings.size === 0) this.#held.delete(decision.downloadId);
    this.#services.log(
      `${device}: ${actor} kept ${stored.length} and dropped ${dropped.length} held readings of ${name} in ${bed.label}`,
    );
    return {
      assigned: stored.length,
      dropped: dropped.length,
      alreadyStored: assigned.length - stored.length,
      stillHeld: held.readings.size,
    };
  }

  /** Closes a monitor being read (its download fails, nothing half-stored) and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running = this.#running;
    if (!running) return;
    await running.monitor?.close().catch(() => undefined);
    await running.done;
  }

  async #download(
    bedLabel: string,
    actor: string,
    running: { monitor: HidReportTransport | null },
  ): Promise<DownloadResult> {
    const { beds, store, monitor, now, log } = this.#services;
    const bed = [...beds.values()].find((b) => b.label === bedLabel);
    if (!bed) {
      throw new BloodPressureRefusal(
        `There is no bed "${bedLabel}": admit the patient to a bed first, then download their readings.`,
        'not_found',
      );
    }
    const patient = bed.patient;
    if (!patient) {
      throw new BloodPressureRefusal(
        `${bed.label} has no patient: readings are kept for a patient. Admit the patient first, then download the monitor.`,
      );
    }
    const places = await store.readCurrentAdmissions();
    const place = places.find((p) => p.patient.id === patient.id && p.bedId === bed.id);
    // Without a known arrival in this bed, no reading is assumed to be theirs.
    const inBedSince = place?.lastEventAt ?? Infinity;

    running.monitor = closableTransport(await monitor.open(), 'the workstation is stopping');
    let readings: TimedReading[];
    try {
      const downloaded = await downloadReadings(running.monitor, this.#services.downloadOptions);
      readings = downloaded.map((reading) => timedReading(monitor.id, reading));
    } finally {
      // Closed before anything else happens: nothing holds the monitor (or the process) after.
      await running.monitor
        .close()
        .catch((error: unknown) =>
          log(`${monitor.displayName}: closing the monitor failed: ${String(error)}`),
        );
    }
    if (this.#stopped) throw new BloodPressureRefusal('The workstation is stopping.', 'conflict');

    const storedBefore = await store.readStoredReadings(readings.map((r) => r.key));
    const sorted = sortReadings(readings, {
      patientId: patient.id,
      inBedSinceMs: inBedSince,
      nowMs: now(),
      storedFor: new Map(storedBefore.map((s) => [s.sourceKey, s.patientId])),
    });
    const name = patientName(patient);
    const audit: ImportAuditEvent[] =
      sorted.keep.length === 0
        ? []
        : [
            {
              atMs: now(),
              actor,
              action: 'blood-pressure-downloaded',
              subject: patient.id,
              detail: `${describe(sorted.keep)} of the ${monitor.displayName} kept for ${name} in ${bed.label}: taken since they came into it (${when(inBedSince)})`,
            },
          ];
    const stored = await this.#store(bed, patient, sorted.keep, audit);
    const raced = sorted.keep.length - stored.length;

    let held: DownloadResult['held'] = null;
    if (sorted.held.length > 0) {
      const downloadId = uuidv7();
      for (const [id, other] of this.#held) if (other.bedId === bed.id) this.#held.delete(id);
      while (this.#held.size >= MAX_HELD_DOWNLOADS) {
        this.#held.delete(this.#held.keys().next().value!);
      }
      this.#held.set(downloadId, {
        bedId: bed.id,
        patient,
        readings: new Map(sorted.held.map((r) => [r.key, r])),
      });
      held = {
        downloadId,
        readings: sorted.held.map(({ key, takenAt, at, systolic, diastolic, pulse, reason }) => ({
          key,
          takenAt,
          at,
          systolic,
          diastolic,
          pulse,
          reason,
        })),
      };
    }
    log(
      `${monitor.displayName}: ${readings.length} readings downloaded into ${bed.label} for ${name}` +
        ` by ${actor}: ${stored.length} new, ${sorted.alreadyStored.length + raced} stored before,` +
        ` ${sorted.held.length} held for a person`,
    );
    const newest = newestReading(stored);
    return {
      bedId: bed.id,
      patient,
      inBedSince: Number.isFinite(inBedSince) ? inBedSince : now(),
      downloaded: readings.length,
      imported: stored.length,
      alreadyStored: sorted.alreadyStored.length + raced,
      storedForOthers: sorted.forOthers,
      held,
      newest: newest && {
        takenAt: newest.takenAt,
        at: newest.at,
        systolic: newest.systolic,
        diastolic: newest.diastolic,
        pulse: newest.pulse,
      },
    };
  }

  /** Stores the readings for the patient (once); shows the newest on the bed. The stored ones. */
  async #store(
    bed: BedState,
    patient: Patient,
    readings: readonly TimedReading[],
    audit: ImportAuditEvent[],
  ): Promise<TimedReading[]> {
    if (readings.length === 0 && audit.length === 0) return [];
    const { store, bus, monitor } = this.#services;
    const target = { bedId: bed.id, deviceId: monitor.id, patientId: patient.id };
    const rowsPerReading = readings.map((reading) => readingRows(target, reading));
    const inserted = await store.importNumerics(rowsPerReading.flat(), audit);
    const perReading = rowsPerReading[0]?.length ?? 0;
    const stored = readings.filter((_, i) => inserted[i * perReading]);
    const newest = newestReading(stored);
    // Shown only when newer than what the bed shows for that code, and the patient is still there.
    if (newest && bed.patient?.id === patient.id) {
      for (const row of readingRows(target, newest)) {
        const numeric = { value: row.value, unit: row.unit, at: row.at, source: monitor.id };
        if ((bed.numerics.get(row.refId)?.at ?? -Infinity) > numeric.at) continue;
        bus.emit('numeric', {
          bedId: bed.id,
          deviceId: monitor.id,
          refId: row.refId,
          numeric,
          stored: true,
        });
      }
      bus.emit('bed', { bedId: bed.id });
    }
    return stored;
  }
}

/** "2 readings (141/90 pulse 71 at 2026-11-19T20:02:31; …)": readings in the audit trail. */
function describe(readings: readonly TimedReading[]): string {
  const each = readings.map((r) => `${r.systolic}/${r.diastolic} pulse ${r.pulse} at ${r.takenAt}`);
  return `${readings.length} reading${readings.length === 1 ? '' : 's'} (${each.join('; ')})`;
}
