// Remote consults at the workstation (issue 16): the nurse invites a remote clinician for the
// patient in a bed, with the patient's consent; the invitation is made at the central server
// (the remote clinician never reaches this workstation), and while it is not over the server is
// asked every few seconds how it stands: who is watching since when, the notes they wrote, its
// end. Every change reaches the bed's `remoteConsults` stream.
//
// A consult belongs to the patient's stay, not to the bed: when the invited patient leaves the
// bed (discharge, transfer) it is ended at once at the server ('patient-left'), and the bed's
// stream lists only the consults of the patient now in it. Its time limit is applied here too, so
// a consult whose time is up is shown ended even while the server cannot be reached; an end the
// server could not be told of is kept and told again until it answers.
//
// What lasts: the consults (store/telehealth-consults.ts, sealed; the code and link only while
// nobody opened it), their notes as the stay's annotations (synced, each kept once), and the audit
// entries (invited, viewer opened, auscultation shared, ended, each note), written with the
// consult's change in one transaction. A restart reads them back and goes on asking.
//
// The remote clinician may ask for the stethoscope's sound to be kept (RemoteRecording): the ask
// arrives with the consult's state, is shown at the bed, and the bedside's stethoscope panel that
// shares the sound keeps the last seconds asked for (keepRemoteRecording): stored like a local
// recording, with its heart rate, labelled as asked for remotely. What became of it (kept, or why
// not: no stethoscope sounding, the consult ended) is told to the server for the remote side.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RemoteConsult } from '../../../shared/api/contract-telehealth';
import type { AuscultationFrame } from '../../../shared/telehealth/audio';
import type { SoundRecordingMetadata } from '../../../shared/model/sound-recording';
import {
  END_REASON_WORDS,
  spacedCode,
  type ConsultNote,
  type CreateInvitation,
  type EndInvitation,
  type InvitationState,
  type RecordingOutcome,
  RemoteRecording,
  type TelehealthMinutes,
  ViewerUsername,
} from '../../../shared/telehealth/invitation';
import type { Patient } from '../../../shared/model/schemas';
import type { AuditEventToStore, Store } from '../store/client';
import type { ConsultNoteToKeep } from '../store/telehealth-consults';
import type { Bus } from '../bus';
import { patientName } from '../admissions';
import { SyncLinkError } from '../sync/http';
import {
  CentralInvitations,
  CentralRefusal,
  linkWords,
  type CentralLink,
} from './central-invitations';
import { telehealthWords as words } from './telehealth-words';

/** A refusal at the bedside: the message says why, in a sentence. */
export class TelehealthError extends Error {
  override readonly name = 'TelehealthError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'not_found' | 'unavailable' = 'refused',
  ) {
    super(message);
  }
}

/** What the service needs of a bed. */
export interface ConsultBed {
  readonly id: string;
  readonly label: string;
  readonly patient: Pick<Patient, 'id' | 'familyName' | 'givenName' | 'mrn'> | null;
}

export interface RemoteConsultsOptions {
  beds: ReadonlyMap<string, ConsultBed>;
  bus: Pick<Bus, 'on'>;
  store: Pick<Store, 'readTelehealthConsults' | 'keepTelehealthConsult'>;
  /** Where and as whom to reach the central server; null while not enrolled. */
  link: () => CentralLink | null;
  /**
   * Relays stethoscope frames of a bed to its remote clinician through the live link
   * (WorkstationSync.sendAuscultation); the number relayed. None: live sound is not offered.
   */
  relayAudio?: (bedId: string, frames: AuscultationFrame[]) => number | Promise<number>;
  /**
   * Keeps a recording the remote clinician asked for exactly as a local one is kept (the
   * saveSoundRecording handler: checked, sealed, synced, with its heart rate). None: refused.
   */
  saveRecording?: (
    recording: RecordingToSave,
  ) => SoundRecordingMetadata | Promise<SoundRecordingMetadata>;
  now?: () => number;
  /** How often an open consult is asked about. Default 2 s. */
  pollEveryMs?: number;
  /** The longest wait between two asks while the server cannot be reached. Default 30 s. */
  maxBackoffMs?: number;
  /** Per exchange with the server. Default 5 s. */
  timeoutMs?: number;
  log?: (message: string) => void;
}

/** A recording the remote clinician asked for, as saveSoundRecording takes it. */
export interface RecordingToSave {
  bedId: string;
  label: string;
  mode: 'raw';
  rateHz: number;
  startedAt: number;
  wavBase64: string;
}

/** What the bedside answers a request for a recording with (keepRemoteRecording). */
export interface RecordingAnswer {
  bedId: string;
  consultId: string;
  recordingId: string;
  sound?: { rateHz: number; startedAt: number; wavBase64: string } | undefined;
  problem?: string | undefined;
}

export interface Consent {
  givenBy: 'patient' | 'representative';
  representative?: string | undefined;
}

/** Consults under way in one bed at once. */
const MAX_OPEN_PER_BED = 3;
/** Consults of one stay kept listed (the oldest ended ones go first). */
const MAX_PER_STAY = 50;
/** Past its end, a consult the server never confirmed ended is asked about this long. */
const ASK_AFTER_EXPIRY_MS = 24 * 3_600_000;
/** Invitation attempts at once (the same id: the server answers the same invitation). */
const CREATE_ATTEMPTS = 2;
const REMOTE = ' (remote clinician)';
/** No stethoscope frame relayed for this long: the stethoscope is not sounding. */
const SOUNDING_WITHIN_MS = 3_000;
/** A request the bedside has not answered this long past its length is given up. */
const ANSWER_WITHIN_MS = 20_000;

/** A request for a recording as kept here: whether the server knows what became of it. */
const RecordingAtBed = RemoteRecording.extend({
  told: z.boolean(),
  /** The sound recording kept (listSoundRecordings' id), once kept. */
  soundRecordingId: z.string().nullable(),
});
type RecordingAtBed = z.infer<typeof RecordingAtBed>;

/** The consult as kept: the stream's view and what the service remembers about it. */
const ConsultRecord = RemoteConsult.omit({ problem: true, checkedAtMs: true }).extend({
  bedLabel: z.string(),
  /** The server said it has ended (or took our end): nothing more to ask. */
  serverEnded: z.boolean(),
  /** An end decided here the server has not been told of yet. */
  pendingEnd: z
    .object({ reason: z.enum(['ended-at-bed', 'patient-left']), by: z.string() })
    .nullable(),
  /** The patient left the bed: listed nowhere any more. */
  stayOver: z.boolean(),
  audited: z.object({
    viewers: z.array(z.string()),
    ended: z.boolean(),
    auscultation: z.boolean(),
  }),
  /** Kept by a version before recordings could be asked for: none. */
  recordings: z.array(RecordingAtBed).default([]),
});
type ConsultRecord = z.infer<typeof ConsultRecord>;

interface Live {
  record: ConsultRecord;
  /** The exchange with the server about it under way, if any (one at a time per consult). */
  asking: Promise<void> | null;
  problem: string | null;
  checkedAtMs: number | null;
  failures: number;
  nextAskAtMs: number;
}

type Listener = (event: { consults: RemoteConsult[] }) => void;

export class RemoteConsults {
  readonly #o: RemoteConsultsOptions;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #central: CentralInvitations;
  readonly #stopping = new AbortController();
  readonly #consults = new Map<string, Live>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #lastSent = new Map<Listener, string>();
  /** When stethoscope frames of each bed were last relayed (its stethoscope is sounding). */
  readonly #soundAtMs = new Map<string, number>();
  /** Requests for a recording whose sound is being kept now (a second answer is refused). */
  readonly #keeping = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  #offBus: (() => void) | null = null;
  #stopped = false;

  constructor(options: RemoteConsultsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((message) => console.log(message));
    this.#central = new CentralInvitations({
      timeoutMs: options.timeoutMs ?? 5_000,
      signal: this.#stopping.signal,
    });
  }

  /** Reads the kept consults back, ends those whose patient left meanwhile, and starts asking. */
  async start(): Promise<this> {
    const kept = await this.#o.store.readTelehealthConsults().catch((error: unknown) => {
      // New consults are still made and asked about; the kept ones wait for the next start.
      this.#log(`telehealth: the kept remote consults could not be read: ${String(error)}`);
      return [];
    });
    for (const row of kept) {
      const parsed = ConsultRecord.safeParse(row.state);
      if (!parsed.success) {
        this.#log(`telehealth: the kept consult ${row.id} cannot be read; it is left as it is`);
        continue;
      }
      this.#consults.set(row.id, {
        record: parsed.data,
        problem: null,
        checkedAtMs: null,
        failures: 0,
        nextAskAtMs: 0,
        asking: null,
      });
    }
    this.#offBus = this.#o.bus.on('bed', ({ bedId }) => void this.#bedChanged(bedId));
    for (const bedId of new Set([...this.#consults.values()].map((c) => c.record.bedId)))
      await this.#bedChanged(bedId);
    this.#schedule(0);
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#offBus?.();
    if (this.#timer) clearTimeout(this.#timer);
    this.#stopping.abort();
    await this.#ticking;
    await this.#queue.catch(() => undefined);
    this.#listeners.clear();
  }

  /** The consults of the patient now in the bed, as the bedside shows them. */
  list(bedId: string): RemoteConsult[] {
    const patientId = this.#o.beds.get(bedId)?.patient?.id;
    if (patientId === undefined) return [];
    return [...this.#consults.values()]
      .filter(
        (c) => c.record.bedId === bedId && c.record.patientId === patientId && !c.record.stayOver,
      )
      .sort((a, b) => a.record.createdAtMs - b.record.createdAtMs)
      .map((c) => viewOf(c));
  }

  /** The bed's consults now, then on every change. Returns the unsubscribe. */
  subscribe(bedId: string, listener: Listener): () => void {
    let set = this.#listeners.get(bedId);
    if (!set) this.#listeners.set(bedId, (set = new Set()));
    set.add(listener);
    this.#send(bedId, listener);
    return () => {
      set.delete(listener);
      this.#lastSent.delete(listener);
      if (set.size === 0) this.#listeners.delete(bedId);
    };
  }

  /**
   * Invites a remote clinician for the patient now in the bed. Refused without consent, for an
   * empty bed, when not enrolled, and when the server cannot be reached or refuses (nothing is
   * kept then). Answers the consult with its link and code.
   */
  async invite(
    request: {
      bedId: string;
      minutes: TelehealthMinutes;
      consent: Consent | undefined;
      /** The hospital account that alone may sign in to open the link (the code still does). */
      viewerUsername?: string;
    },
    actor: string,
  ): Promise<RemoteConsult> {
    const bed = this.#bed(request.bedId);
    const account =
      request.viewerUsername === undefined
        ? null
        : ViewerUsername.safeParse(request.viewerUsername);
    if (account && !account.success) throw new TelehealthError(words.badViewerUsername);
    const viewerUsername = account?.data ?? null;
    const patient = bed.patient;
    if (!patient) throw new TelehealthError(words.emptyBed(bed.label));
    const consent = request.consent;
    if (!consent || (consent.givenBy !== 'patient' && consent.givenBy !== 'representative'))
      throw new TelehealthError(words.noConsent);
    const representative = consent.representative?.trim();
    if (consent.givenBy === 'representative' && !representative)
      throw new TelehealthError(words.noRepresentative);
    const link = this.#o.link();
    if (!link) throw new TelehealthError(words.notEnrolled, 'unavailable');
    const open = this.list(bed.id).filter((c) => c.status !== 'ended').length;
    if (open >= MAX_OPEN_PER_BED)
      throw new TelehealthError(words.tooMany(bed.label, MAX_OPEN_PER_BED));

    const at = this.#now();
    const recordedBy = actor.trim() || 'unidentified user';
    const invitation: CreateInvitation = {
      id: randomUUID(),
      bedId: bed.id,
      bedLabel: bed.label,
      patientId: patient.id,
      minutes: request.minutes,
      consent: {
        givenBy: consent.givenBy,
        ...(consent.givenBy === 'representative' ? { representative } : {}),
        atMs: at,
        recordedBy,
      },
      invitedBy: recordedBy,
      ...(viewerUsername ? { viewerUsername } : {}),
    };
    const record: ConsultRecord = {
      id: invitation.id,
      bedId: bed.id,
      bedLabel: bed.label,
      patientId: patient.id,
      status: 'starting',
      url: null,
      code: null,
      minutes: request.minutes,
      createdAtMs: at,
      expiresAtMs: at + request.minutes * 60_000,
      invitedBy: recordedBy,
      viewerUsername,
      consent: {
        givenBy: consent.givenBy,
        representative: consent.givenBy === 'representative' ? representative! : null,
        atMs: at,
        recordedBy,
      },
      viewer: null,
      endedAtMs: null,
      endReason: null,
      endedBy: null,
      notes: [],
      recordings: [],
      serverEnded: false,
      pendingEnd: null,
      stayOver: false,
      audited: { viewers: [], ended: false, auscultation: false },
    };
    // Shown as being made while the server is asked; taken off again if it is not made.
    const live: Live = {
      record,
      asking: null,
      problem: null,
      checkedAtMs: null,
      failures: 0,
      nextAskAtMs: 0,
    };
    this.#consults.set(record.id, live);
    this.#changed(bed.id);
    let created;
    try {
      created = await this.#create(link, invitation);
    } catch (error) {
      this.#consults.delete(record.id);
      this.#changed(bed.id);
      if (error instanceof CentralRefusal)
        throw new TelehealthError(words.refusedAtInvite(error.message), 'unavailable');
      throw new TelehealthError(words.unreachableAtInvite(linkWords(error)), 'unavailable');
    }
    const made: ConsultRecord = {
      ...record,
      status: 'waiting',
      url: created.url,
      code: created.code,
      expiresAtMs: created.expiresAtMs,
    };
    try {
      await this.#serial(async () => {
        if (this.#o.beds.get(bed.id)?.patient?.id !== patient.id)
          throw new TelehealthError(words.patientChanged(bed.label));
        await this.#o.store.keepTelehealthConsult({
          consult: stored(made),
          notes: [],
          audits: [
            {
              atMs: at,
              actor: recordedBy,
              action: 'telehealth-invited',
              subject: subjectOf(made),
              detail: `invited a remote clinician to ${bed.label} for ${request.minutes} min (${patientName(patient)}); consent given by ${consentWords(made)}, recorded by ${recordedBy}`,
            },
          ],
        });
        live.record = made;
        live.checkedAtMs = this.#now();
        live.nextAskAtMs = this.#now() + this.#every();
      });
    } catch (error) {
      this.#consults.delete(record.id);
      this.#changed(bed.id);
      // Withdrawn at the server: nobody has the link yet.
      void this.#central
        .end(link, record.id, { reason: 'ended-at-bed', by: recordedBy })
        .catch(() => undefined);
      if (error instanceof TelehealthError) throw error;
      throw new TelehealthError(words.notKept((error as Error).message), 'unavailable');
    }
    this.#log(`telehealth: ${recordedBy} invited a remote clinician to ${bed.label}`);
    this.#changed(bed.id);
    return viewOf(live);
  }

  /** Ends a consult of the bed at once: at the server, or here and at the server later. */
  async end(request: { bedId: string; consultId: string }, actor: string): Promise<RemoteConsult> {
    const bed = this.#bed(request.bedId);
    const live = this.#consults.get(request.consultId);
    if (!live || live.record.bedId !== bed.id || live.record.stayOver)
      throw new TelehealthError(words.noConsult(bed.label), 'not_found');
    if (live.record.status === 'ended') return viewOf(live);
    await this.#endAt(live, { reason: 'ended-at-bed', by: actor.trim() || 'unidentified user' });
    return viewOf(live);
  }

  /** Relays stethoscope frames while a consult of the bed is being watched; how many went. */
  async sendAuscultation(
    bedId: string,
    frames: AuscultationFrame[],
    actor: string,
  ): Promise<number> {
    const bed = this.#bed(bedId);
    const watching = this.list(bed.id).find((c) => c.status === 'watching');
    if (!watching) throw new TelehealthError(words.notWatching(bed.label));
    const relay = this.#o.relayAudio;
    if (!relay) throw new TelehealthError(words.noAudioRelay, 'unavailable');
    const relayed = await relay(bed.id, frames);
    if (relayed > 0) this.#soundAtMs.set(bed.id, this.#now());
    const live = this.#consults.get(watching.id);
    if (live && !live.record.audited.auscultation) {
      // Once per consult, never per frame.
      await this.#serial(async () => {
        const r = live.record;
        if (r.audited.auscultation) return;
        const next = { ...r, audited: { ...r.audited, auscultation: true } };
        await this.#keep(
          live,
          next,
          [],
          [
            {
              atMs: this.#now(),
              actor,
              action: 'telehealth-auscultation-shared',
              subject: subjectOf(r),
              detail: `shared the stethoscope's sound at ${bed.label} with ${r.viewer?.name ?? 'the remote clinician'}`,
            },
          ],
        );
      }).catch((error: unknown) => this.#log(`telehealth: ${String(error)}`));
    }
    return relayed;
  }

  /**
   * The bedside's answer to a remote clinician's request for a recording: the sound, kept like a
   * local recording (with its heart rate, labelled as asked for remotely), or why it could not
   * be. Refused for a request already answered, one being kept, or a consult that has ended.
   */
  async keepRecording(answer: RecordingAnswer, actor: string): Promise<RemoteRecording> {
    const bed = this.#bed(answer.bedId);
    const live = this.#consults.get(answer.consultId);
    if (!live || live.record.bedId !== bed.id || live.record.stayOver)
      throw new TelehealthError(words.noConsult(bed.label), 'not_found');
    const asked = live.record.recordings.find((r) => r.id === answer.recordingId);
    if (!asked) throw new TelehealthError(words.noSuchRecording(bed.label), 'not_found');
    if (asked.status !== 'asked' || this.#keeping.has(asked.id))
      throw new TelehealthError(
        asked.status === 'refused' && asked.problem ? asked.problem : words.recordingAnswered,
      );
    if (live.record.status === 'ended') throw new TelehealthError(words.consultEndedBeforeKept);
    this.#keeping.add(asked.id);
    try {
      let outcome: RecordingAtBed;
      let detail: string;
      if (answer.sound) {
        if (!this.#o.saveRecording)
          throw new TelehealthError(words.noRecordingStore, 'unavailable');
        const saved = await this.#o.saveRecording({
          bedId: bed.id,
          label: words.recordingLabel(asked.askedBy.slice(0, 90)),
          mode: 'raw',
          ...answer.sound,
        });
        outcome = {
          ...asked,
          status: 'kept',
          keptAtMs: this.#now(),
          durationS: Math.round(saved.durationS * 10) / 10,
          heartRateBpm: saved.heartRateBpm,
          problem: null,
          told: false,
          soundRecordingId: saved.id,
        };
        detail =
          `kept the ${outcome.durationS} s of stethoscope sound at ${bed.label} that ` +
          `${asked.askedBy}${REMOTE} asked for (recording ${saved.id}, heart rate ` +
          `${saved.heartRateBpm === null ? 'not found' : `${saved.heartRateBpm}/min`})`;
      } else {
        const problem = answer.problem ?? words.noRecordingCame(bed.label);
        outcome = { ...asked, status: 'refused', problem, told: false };
        detail = `could not keep the recording ${asked.askedBy}${REMOTE} asked for at ${bed.label}: ${problem}`;
      }
      await this.#answerRecording(live, outcome, {
        atMs: this.#now(),
        actor,
        action:
          outcome.status === 'kept' ? 'telehealth-recording-kept' : 'telehealth-recording-refused',
        subject: subjectOf(live.record),
        detail,
      });
      // As it stands now (the consult may have ended while the sound was being kept).
      return publicRecording(live.record.recordings.find((r) => r.id === asked.id) ?? outcome);
    } finally {
      this.#keeping.delete(asked.id);
    }
  }

  /** Applies what became of a request (if it is still open), audited, shown, told to the server. */
  async #answerRecording(
    live: Live,
    outcome: RecordingAtBed,
    audit: AuditEventToStore,
  ): Promise<void> {
    await this.#serial(async () => {
      const r = live.record;
      const index = r.recordings.findIndex((x) => x.id === outcome.id);
      if (index < 0 || r.recordings[index]!.status !== 'asked') return;
      const recordings = r.recordings.map((x, i) => (i === index ? outcome : x));
      await this.#keep(live, { ...r, recordings }, [], [audit]);
      this.#changed(r.bedId);
    });
    live.nextAskAtMs = 0;
    if (!this.#stopped) void this.#ask(live).catch(() => undefined);
  }

  /** Requests the bedside cannot answer (no sound, no answer in time) are refused here. */
  async #checkRecordings(live: Live, now: number): Promise<void> {
    const r = live.record;
    for (const asked of r.recordings) {
      if (asked.status !== 'asked' || this.#keeping.has(asked.id)) continue;
      const soundAt = this.#soundAtMs.get(r.bedId) ?? -Infinity;
      const silent = now - soundAt > SOUNDING_WITHIN_MS;
      const late = now - asked.askedAtMs > asked.seconds * 1000 + ANSWER_WITHIN_MS;
      if (!silent && !late) continue;
      const problem = late
        ? words.noRecordingCame(r.bedLabel)
        : soundAt < asked.askedAtMs - SOUNDING_WITHIN_MS
          ? words.notSounding(r.bedLabel)
          : words.stoppedSounding(r.bedLabel);
      await this.#answerRecording(
        live,
        { ...asked, status: 'refused', problem, told: false },
        {
          atMs: now,
          actor: 'the workstation',
          action: 'telehealth-recording-refused',
          subject: subjectOf(r),
          detail: `did not keep the recording ${asked.askedBy}${REMOTE} asked for at ${r.bedLabel}: ${problem}`,
        },
      );
    }
  }

  /** Tells the server what became of each request it does not know the answer to yet. */
  async #tellRecordings(live: Live, link: CentralLink): Promise<void> {
    for (const told of live.record.recordings) {
      if (told.told || told.status === 'asked' || this.#stopped) continue;
      const outcome: RecordingOutcome =
        told.status === 'kept'
          ? {
              status: 'kept',
              keptAtMs: told.keptAtMs ?? this.#now(),
              durationS: told.durationS ?? 0,
              heartRateBpm: told.heartRateBpm,
            }
          : {
              status: 'refused',
              problem: told.problem ?? words.noRecordingCame(live.record.bedLabel),
            };
      let state: InvitationState;
      try {
        state = await this.#central.recording(link, live.record.id, told.id, outcome);
      } catch (error) {
        // The server does not know it (or cannot take it): not told again and again.
        if (error instanceof CentralRefusal && error.status >= 400 && error.status < 500) {
          await this.#serial(() => this.#markTold(live, told.id)).catch(() => undefined);
          continue;
        }
        return; // unreachable: told at the next round
      }
      await this.#answered(live, state);
      await this.#serial(() => this.#markTold(live, told.id)).catch(() => undefined);
    }
  }

  async #markTold(live: Live, id: string): Promise<void> {
    const r = live.record;
    if (!r.recordings.some((x) => x.id === id && !x.told)) return;
    const recordings = r.recordings.map((x) => (x.id === id ? { ...x, told: true } : x));
    await this.#keep(live, { ...r, recordings }, [], []);
  }

  // ---- the server, asked -------------------------------------------------------------------

  async #create(link: CentralLink, invitation: CreateInvitation) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#central.create(link, invitation);
      } catch (error) {
        // The same id again: a server that made it before the answer was lost answers the same.
        if (!(error instanceof SyncLinkError) || attempt >= CREATE_ATTEMPTS) throw error;
        if (error.problem === 'aborted') throw error;
      }
    }
  }

  #every(): number {
    return this.#o.pollEveryMs ?? 2_000;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#ticking ??= this.#tick().finally(() => {
        this.#ticking = null;
        this.#schedule(this.#every());
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const now = this.#now();
    for (const live of [...this.#consults.values()]) {
      if (this.#stopped) return;
      const r = live.record;
      if (r.status !== 'ended' && r.status !== 'starting' && r.expiresAtMs <= now)
        await this.#expireHere(live).catch((error: unknown) =>
          this.#log(`telehealth: ${String(error)}`),
        );
      if (live.record.recordings.some((x) => x.status === 'asked'))
        await this.#checkRecordings(live, now).catch((error: unknown) =>
          this.#log(`telehealth: ${String(error)}`),
        );
      if (!this.#asking(live.record, now) || now < live.nextAskAtMs) continue;
      await this.#ask(live);
    }
  }

  /** Whether the server is still to be asked about (or told of the end of) this consult. */
  #asking(r: ConsultRecord, now: number): boolean {
    if (r.serverEnded || r.status === 'starting') return false;
    return now < r.expiresAtMs + ASK_AFTER_EXPIRY_MS;
  }

  /** One exchange at a time per consult: a second ask while one is under way shares it. */
  #ask(live: Live): Promise<void> {
    live.asking ??= this.#askOnce(live).finally(() => (live.asking = null));
    return live.asking;
  }

  async #askOnce(live: Live): Promise<void> {
    const link = this.#o.link();
    const id = live.record.id;
    if (!link)
      return this.#unanswered(live, words.unreachable('this workstation is no longer enrolled'));
    const pending = live.record.pendingEnd;
    let state: InvitationState;
    try {
      state = pending
        ? await this.#central.end(link, id, pending)
        : await this.#central.state(link, id);
    } catch (error) {
      if (this.#stopped) return;
      const reason = linkWords(error);
      const problem = pending
        ? words.endNotConfirmed(reason)
        : error instanceof CentralRefusal
          ? words.refused(error.message)
          : live.record.status === 'ended' && live.record.endReason === 'expired'
            ? words.expiredLocally
            : words.unreachable(reason);
      return this.#unanswered(live, problem);
    }
    await this.#answered(live, state);
    await this.#tellRecordings(live, link);
  }

  #unanswered(live: Live, problem: string): void {
    live.failures += 1;
    const backoff = Math.min(
      this.#every() * 2 ** Math.min(live.failures, 10),
      this.#o.maxBackoffMs ?? 30_000,
    );
    live.nextAskAtMs = this.#now() + backoff;
    if (live.problem !== problem) {
      live.problem = problem;
      this.#changed(live.record.bedId);
    }
  }

  /** The server's answer applied: what changed is kept (with its notes and audits) and shown. */
  #answered(live: Live, state: InvitationState): Promise<void> {
    return this.#serial(async () => {
      const now = this.#now();
      const before = live.record;
      const next: ConsultRecord = { ...before, audited: { ...before.audited } };
      const audits: AuditEventToStore[] = [];
      next.expiresAtMs = state.expiresAtMs;
      next.viewer = state.viewer ?? before.viewer;
      if (state.viewer) {
        const key = `${state.viewer.name}\u0000${state.viewer.sinceMs}`;
        if (!next.audited.viewers.includes(key)) {
          next.audited.viewers = [...next.audited.viewers, key].slice(-20);
          audits.push({
            atMs: state.viewer.sinceMs,
            actor: state.viewer.name + REMOTE,
            action: 'telehealth-viewer-opened',
            subject: subjectOf(before),
            detail: `opened the remote consult of ${before.bedLabel} (since ${new Date(state.viewer.sinceMs).toISOString()})`,
          });
        }
      }
      if (state.status === 'ended') {
        next.serverEnded = true;
        next.pendingEnd = null;
        if (next.status !== 'ended') {
          next.status = 'ended';
          next.endedAtMs = state.endedAtMs ?? now;
          next.endReason = state.endReason ?? 'expired';
          next.endedBy = state.endedBy;
        }
      } else if (next.status === 'waiting' && state.status === 'watching') {
        next.status = 'watching';
      }
      if (next.status !== 'waiting') {
        next.url = null;
        next.code = null;
      }
      const known = new Set(before.notes.map((n) => n.id));
      const fresh = state.notes.filter((n) => n.invitationId === before.id && !known.has(n.id));
      next.notes = [...before.notes, ...fresh].sort((a, b) => a.atMs - b.atMs).slice(-500);
      const notes: ConsultNoteToKeep[] = fresh.map((note) => noteToKeep(before, note));
      next.recordings = this.#mergeRecordings(before, state, audits, now);
      audits.push(...this.#endAudits(next, now));
      if (stateChanged(before, next) || notes.length > 0 || audits.length > 0) {
        try {
          await this.#keep(live, next, notes, audits);
        } catch (error) {
          // Kept as it was: the next answer brings the same change again.
          live.problem = words.notStored((error as Error).message);
          live.nextAskAtMs = now + this.#every();
          this.#changed(before.bedId);
          return;
        }
      }
      live.failures = 0;
      live.problem = null;
      live.checkedAtMs = now;
      live.nextAskAtMs = now + this.#every();
      this.#changed(before.bedId);
    });
  }

  /**
   * The server's requests for recordings merged with what the bed knows: a new one is shown (and
   * refused at once when no stethoscope is sounding); an answer given here stands until the
   * server has it; one the server gave up on (the consult ended) is taken as it says.
   */
  #mergeRecordings(
    before: ConsultRecord,
    state: InvitationState,
    audits: AuditEventToStore[],
    now: number,
  ): RecordingAtBed[] {
    const merged = [...before.recordings];
    for (const theirs of state.recordings) {
      if (theirs.invitationId !== before.id) continue;
      const index = merged.findIndex((x) => x.id === theirs.id);
      const ours = index >= 0 ? merged[index]! : null;
      if (!ours) {
        const sounding =
          now - (this.#soundAtMs.get(before.bedId) ?? -Infinity) <= SOUNDING_WITHIN_MS;
        const refusedHere = theirs.status === 'asked' && !sounding;
        merged.push({
          ...theirs,
          ...(refusedHere
            ? { status: 'refused' as const, problem: words.notSounding(before.bedLabel) }
            : {}),
          told: !refusedHere,
          soundRecordingId: null,
        });
        audits.push({
          atMs: theirs.askedAtMs,
          actor: theirs.askedBy + REMOTE,
          action: 'telehealth-recording-asked',
          subject: subjectOf(before),
          detail:
            `asked for a ${theirs.seconds} s recording of the stethoscope at ${before.bedLabel}` +
            (refusedHere ? `; refused: ${words.notSounding(before.bedLabel)}` : ''),
        });
      } else if (ours.status === 'asked' && theirs.status !== 'asked') {
        merged[index] = { ...ours, ...theirs, told: true };
      } else if (!ours.told && ours.status === theirs.status) {
        merged[index] = { ...ours, told: true };
      }
    }
    return merged.slice(-500);
  }

  /** The audit entry of the end, the first time the consult is seen ended. */
  #endAudits(next: ConsultRecord, now: number): AuditEventToStore[] {
    if (next.status !== 'ended' || next.audited.ended) return [];
    next.audited.ended = true;
    // Whatever was asked for and not kept yet is not kept now ("End now" stops everything).
    next.recordings = next.recordings.map((x) =>
      x.status === 'asked'
        ? { ...x, status: 'refused' as const, problem: words.consultEndedBeforeKept, told: false }
        : x,
    );
    const endedAt = next.endedAtMs ?? now;
    const from = next.viewer?.sinceMs ?? next.createdAtMs;
    const minutes = Math.max(0, Math.round((endedAt - from) / 60_000));
    const watched = next.viewer
      ? `${next.viewer.name} watched for ${minutes} min`
      : `nobody opened it; it was out for ${minutes} min`;
    const reason = next.endReason ?? 'expired';
    return [
      {
        atMs: endedAt,
        actor: next.endedBy ?? 'the server',
        action: 'telehealth-ended',
        subject: subjectOf(next),
        detail: `ended the remote consult of ${next.bedLabel} (${reason}: ${END_REASON_WORDS[reason]}); ${watched}`,
      },
    ];
  }

  /** Ends a consult here at once and tells the server (now, or later until it answers). */
  async #endAt(live: Live, end: EndInvitation, stayOver = false): Promise<void> {
    await this.#serial(async () => {
      if (live.record.status === 'ended') {
        if (stayOver && !live.record.stayOver)
          await this.#keep(live, { ...live.record, stayOver }, [], []);
        return;
      }
      const now = this.#now();
      const next: ConsultRecord = {
        ...live.record,
        audited: { ...live.record.audited },
        status: 'ended',
        url: null,
        code: null,
        endedAtMs: now,
        endReason: end.reason,
        endedBy: end.by,
        pendingEnd: live.record.serverEnded ? null : end,
        stayOver: live.record.stayOver || stayOver,
      };
      const audits = this.#endAudits(next, now);
      await this.#keep(live, next, [], audits);
      this.#changed(next.bedId);
    });
    // Told at once (after an ask under way); what it answers is applied (its notes too).
    // Unanswered: told again at each round until it answers.
    await live.asking;
    if (!live.record.pendingEnd || this.#stopped) return;
    live.nextAskAtMs = 0;
    await this.#ask(live);
  }

  async #expireHere(live: Live): Promise<void> {
    await this.#serial(async () => {
      const r = live.record;
      if (r.status === 'ended' || r.status === 'starting') return;
      const next: ConsultRecord = {
        ...r,
        audited: { ...r.audited },
        status: 'ended',
        url: null,
        code: null,
        endedAtMs: r.expiresAtMs,
        endReason: 'expired',
        endedBy: 'the time limit',
      };
      await this.#keep(live, next, [], this.#endAudits(next, this.#now()));
      this.#changed(r.bedId);
    });
  }

  /** The bed's patient changed: consults of whoever left are ended ('patient-left') and unlisted. */
  async #bedChanged(bedId: string): Promise<void> {
    const patientId = this.#o.beds.get(bedId)?.patient?.id ?? null;
    const left = [...this.#consults.values()].filter(
      (c) =>
        c.record.bedId === bedId &&
        !c.record.stayOver &&
        c.record.status !== 'starting' && // the invitation being made checks the bed itself
        c.record.patientId !== patientId,
    );
    for (const live of left) {
      try {
        await this.#endAt(live, { reason: 'patient-left', by: 'the workstation' }, true);
      } catch (error) {
        this.#log(
          `telehealth: the consult of ${live.record.bedLabel} could not be ended: ${String(error)}`,
        );
        live.record = { ...live.record, stayOver: true }; // unlisted in any case
      }
    }
    if (left.length > 0) this.#changed(bedId);
    this.#trimStay(bedId, patientId);
  }

  /** A stay with very many consults lists its newest; the oldest ended ones are forgotten. */
  #trimStay(bedId: string, patientId: string | null): void {
    const ofStay = [...this.#consults.values()]
      .filter((c) => c.record.bedId === bedId && c.record.patientId === patientId)
      .sort((a, b) => a.record.createdAtMs - b.record.createdAtMs);
    for (const live of ofStay.slice(0, Math.max(0, ofStay.length - MAX_PER_STAY))) {
      if (live.record.status === 'ended' && live.record.serverEnded)
        void this.#serial(() => this.#keep(live, { ...live.record, stayOver: true }, [], [])).catch(
          () => undefined,
        );
    }
  }

  /**
   * Keeps the consult's new state with its notes and audits; then it is the one shown. Ended at
   * the server and its patient gone, it has nothing more to show or ask: its row goes instead.
   */
  async #keep(
    live: Live,
    next: ConsultRecord,
    notes: ConsultNoteToKeep[],
    audits: AuditEventToStore[],
  ): Promise<void> {
    const done = next.stayOver && next.serverEnded;
    await this.#o.store.keepTelehealthConsult(
      done
        ? { consult: null, forget: next.id, notes, audits }
        : { consult: stored(next), notes, audits },
    );
    live.record = next;
    if (done) this.#consults.delete(next.id);
  }

  #serial<T>(change: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(change, change);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #bed(bedId: string): ConsultBed {
    const bed = this.#o.beds.get(bedId);
    if (!bed) throw new TelehealthError(words.noBed(bedId), 'not_found');
    return bed;
  }

  #changed(bedId: string): void {
    for (const listener of this.#listeners.get(bedId) ?? []) this.#send(bedId, listener);
  }

  #send(bedId: string, listener: Listener): void {
    const consults = this.list(bedId);
    const json = JSON.stringify(consults);
    if (this.#lastSent.get(listener) === json) return;
    this.#lastSent.set(listener, json);
    try {
      listener({ consults });
    } catch (error) {
      this.#log(`telehealth: a consult listener failed: ${String(error)}`);
    }
  }
}

function viewOf(live: Live): RemoteConsult {
  const r = live.record;
  const waiting = r.status === 'waiting';
  return {
    id: r.id,
    bedId: r.bedId,
    patientId: r.patientId,
    status: r.status,
    url: waiting ? r.url : null,
    code: waiting ? r.code : null,
    minutes: r.minutes,
    createdAtMs: r.createdAtMs,
    expiresAtMs: r.expiresAtMs,
    invitedBy: r.invitedBy,
    viewerUsername: r.viewerUsername,
    consent: r.consent,
    viewer: r.viewer,
    endedAtMs: r.endedAtMs,
    endReason: r.endReason,
    endedBy: r.endedBy,
    notes: r.notes,
    recordings: r.recordings.map(publicRecording),
    problem: live.problem,
    checkedAtMs: live.checkedAtMs,
  };
}

/** As kept: the link and code only while nobody has opened it. */
function stored(r: ConsultRecord) {
  const waiting = r.status === 'waiting';
  return {
    id: r.id,
    bedId: r.bedId,
    patientId: r.patientId,
    ended: r.status === 'ended',
    state: { ...r, url: waiting ? r.url : null, code: waiting ? r.code : null },
  };
}

function publicRecording(r: RecordingAtBed): RemoteRecording {
  const { told: _told, soundRecordingId: _id, ...shown } = r;
  return shown;
}

function stateChanged(a: ConsultRecord, b: ConsultRecord): boolean {
  return JSON.stringify(stored(a)) !== JSON.stringify(stored(b));
}

/** The audit subject, as the central server's audit report reads it (the patient, the bed). */
function subjectOf(r: Pick<ConsultRecord, 'patientId' | 'bedId'>): string {
  return `patientId=${r.patientId} bedId=${r.bedId}`;
}

function consentWords(r: ConsultRecord): string {
  return r.consent.givenBy === 'patient'
    ? 'the patient'
    : `their representative, ${r.consent.representative ?? 'unnamed'}`;
}

function noteToKeep(r: ConsultRecord, note: ConsultNote): ConsultNoteToKeep {
  const actor = note.author + REMOTE;
  return {
    noteId: note.id,
    bedId: r.bedId,
    atMs: note.atMs,
    text: note.text,
    actor,
    audit: {
      atMs: note.atMs,
      actor,
      action: 'telehealth-note-received',
      subject: subjectOf(r),
      detail: `wrote a consult note for ${r.bedLabel} (${note.text.length} characters)`,
    },
  };
}

/** The code as read over the phone ("1234 5678"). */
export function codeAsRead(consult: Pick<RemoteConsult, 'code'>): string | null {
  return consult.code === null ? null : spacedCode(consult.code);
}
