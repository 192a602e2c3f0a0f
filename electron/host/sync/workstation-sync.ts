// The workstation's side of sync, assembled: the kept enrolment (and its credential, unsealed
// with the keystore that sealed it), the uploader and the puller beside ingest, and the status
// every screen shows. An enrolment made or forgotten by the CLI while the workstation runs is
// noticed within seconds (the file is looked at on every status round).
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { SyncStatus } from '../../../shared/api/contract-sync';
import type { AuscultationFrame } from '../../../shared/telehealth/audio';
import type { OutboxBacklog, Store } from '../store/client';
import { freeBytes } from '../store/disk-space';
import {
  credentialOf,
  enrol,
  forgetEnrolment,
  readEnrolment,
  syncDir,
  type StoredEnrolment,
} from './enrolment';
import { agentFor } from './http';
import { fileKeystore, type Keystore } from './keystore';
import { Puller, WORKSTATION_STATE_KEY, type PulledWorkstation } from './puller';
import { CensusPuller } from './census-puller';
import { AccountsPuller } from './accounts-puller';
import { DrainMeter, syncStateOf, syncStatusOf } from './status';
import {
  unsentDataCondition,
  withUnsentWords,
  type UnsentDataThresholds,
  type WorkstationCondition,
} from './unsent-data';
import { Uploader, type SyncLink, type UploaderOptions, type UploaderState } from './uploader';

export interface WorkstationSyncOptions {
  dataDir: string;
  /** The id stamped on this workstation's rows. */
  workstationId: string;
  store: Pick<Store, 'outbox' | 'recordAuditEvent'>;
  /** Seals the credential (the desktop shell's OS keystore); default: a key file (0600). */
  keystore?: Keystore;
  log?: (message: string) => void;
  /** How often the status (and the kept enrolment) is looked at. */
  statusEveryMs?: number;
  /** Timeouts and bounds of the uploader (tests). */
  uploader?: Partial<
    Omit<UploaderOptions, 'outbox' | 'link' | 'log' | 'onState' | 'onSent' | 'onSetAside'>
  >;
  pullEveryMs?: number;
  /** How often the hospital's patient list is pulled (default: as often as the rest). */
  censusEveryMs?: number;
  /** When a disk filling with unsent data is an alarm (tests: to raise it without a full disk). */
  unsentAlarm?: UnsentDataThresholds;
}

/** What the live publisher needs (live-publisher.ts LiveLink). */
export interface LiveLinkParts {
  serverUrl: string;
  credential: string;
  ca?: string;
}

/** Where live auscultation goes (live-publisher.ts LivePublisher.sendAudio). */
export interface LiveAudioSink {
  sendAudio(bedId: string, frames: readonly AuscultationFrame[]): number;
}

interface Enrolled {
  kept: StoredEnrolment;
  link: (SyncLink & { serverId: string }) | null;
  problem: string | null;
  agent: HttpAgent | HttpsAgent | null;
}

export class WorkstationSync {
  private readonly log: (message: string) => void;
  private readonly keystores: Keystore[];
  private readonly uploader: Uploader;
  private readonly puller: Puller;
  private readonly censusPuller: CensusPuller;
  /** The hospital's accounts (accounts-puller.ts); Access hears of each page through the store. */
  private readonly accountsPuller: AccountsPuller;
  private readonly censusListeners = new Set<(changedMrnKeys: string[]) => void>();
  private readonly drain = new DrainMeter();
  private enrolled: Enrolled | null = null;
  private enrolmentProblem: string | null = null;
  private enrolmentStamp = '';
  private backlog: OutboxBacklog | null = null;
  private free: number | null = null;
  private pulledName: PulledWorkstation | null = null;
  private state: SyncStatus['state'] = 'not-enrolled';
  private since = Date.now();
  private last: SyncStatus;
  private lastSentJson = '';
  private lastEmitMs = 0;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly conditionListeners = new Set<() => void>();
  private unsent: WorkstationCondition;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private signalsWait: boolean | null = null;
  private stopped = false;
  private liveAudio: LiveAudioSink | null = null;

  constructor(private readonly o: WorkstationSyncOptions) {
    this.log = o.log ?? ((message) => console.log(message));
    const file = fileKeystore(syncDir(o.dataDir));
    this.keystores = o.keystore && o.keystore.kind !== 'file' ? [o.keystore, file] : [file];
    this.uploader = new Uploader({
      ...o.uploader,
      outbox: o.store.outbox,
      link: () => this.enrolled?.link ?? null,
      log: this.log,
      onState: () => this.refreshSoon(),
      onSent: (sent) => {
        this.drain.add(sent);
        this.refreshSoon();
      },
      onSetAside: () => this.refreshSoon(),
    });
    this.puller = new Puller({
      outbox: o.store.outbox,
      link: () => this.enrolled?.link ?? null,
      log: this.log,
      onWorkstation: (workstation) => {
        this.pulledName = workstation;
        this.refreshSoon();
      },
      ...(o.pullEveryMs ? { everyMs: o.pullEveryMs } : {}),
    });
    this.censusPuller = new CensusPuller({
      outbox: o.store.outbox,
      link: () => this.enrolled?.link ?? null,
      log: this.log,
      onPulled: (changed) => {
        for (const listener of this.censusListeners) listener(changed);
      },
      ...(o.censusEveryMs || o.pullEveryMs ? { everyMs: o.censusEveryMs ?? o.pullEveryMs } : {}),
    });
    this.accountsPuller = new AccountsPuller({
      outbox: o.store.outbox,
      link: () => this.enrolled?.link ?? null,
      log: this.log,
      ...(o.pullEveryMs ? { everyMs: o.pullEveryMs } : {}),
    });
    this.unsent = unsentDataCondition(null, null, Date.now());
    this.last = this.compose(Date.now());
  }

  /**
   * Pulls the hospital's accounts waiting now and resolves once Access has them (after a sign-in
   * through the hospital's OpenID Connect provider by a user not known here yet); rejects with why.
   */
  pullAccountsNow(): Promise<void> {
    return this.accountsPuller.pullNow();
  }

  /** Told after each page of the hospital's patient list kept (census-puller.ts). */
  onCensusPulled(listener: (changedMrnKeys: string[]) => void): void {
    this.censusListeners.add(listener);
  }

  /** Reads the kept enrolment and starts sending (when enrolled). */
  async start(): Promise<this> {
    this.reloadEnrolment();
    const kept = await this.o.store.outbox.readState(WORKSTATION_STATE_KEY).catch(() => null);
    if (kept && typeof kept === 'object' && 'name' in kept)
      this.pulledName = kept as PulledWorkstation;
    await this.tick();
    this.uploader.start();
    this.puller.start();
    this.censusPuller.start();
    this.accountsPuller.start();
    this.timer = setInterval(() => void this.tick(), this.o.statusEveryMs ?? 2_000);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    await Promise.all([
      this.uploader.stop(),
      this.puller.stop(),
      this.censusPuller.stop(),
      this.accountsPuller.stop(),
    ]);
    await this.ticking;
    this.enrolled?.agent?.destroy();
  }

  status(): SyncStatus {
    return this.last;
  }

  /** The status now, then on every change (at most once a second). Returns the unsubscribe. */
  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.last);
    return () => this.listeners.delete(listener);
  }

  /** The technical alarm while the disk fills with unsent data (unsent-data.ts). */
  unsentDataCondition(): WorkstationCondition {
    return this.unsent;
  }

  onConditionChange(listener: () => void): void {
    this.conditionListeners.add(listener);
  }

  /** The store's disk-full alarm, with what fills the disk when it is unsent data. */
  describeStoreCondition<C extends { code: string; message: string; present: boolean }>(
    condition: C,
  ): C {
    return withUnsentWords(condition, this.backlog);
  }

  /** The live publisher, once started (workstation.ts), for telehealth's auscultation. */
  useLivePublisher(live: LiveAudioSink | null): void {
    this.liveAudio = live;
  }

  /**
   * A bed's live auscultation frames to the central server's relay, now: answers how many went.
   * None while the live link is down, nor queued for later (stale sound is worse than none).
   */
  sendAuscultation(bedId: string, frames: AuscultationFrame[]): number {
    if (this.stopped || !this.liveAudio) return 0;
    return this.liveAudio.sendAudio(bedId, frames);
  }

  /** Where and as whom the live publisher connects; null while not enrolled. */
  liveLink(): LiveLinkParts | null {
    const link = this.enrolled?.link;
    if (!link) return null;
    return {
      serverUrl: link.endpoint.serverUrl,
      credential: link.credential,
      ...(link.endpoint.caPem ? { ca: link.endpoint.caPem } : {}),
    };
  }

  async enrol(request: {
    server: string;
    code: string;
    name?: string | undefined;
    caPem?: string | undefined;
  }): Promise<SyncStatus> {
    await enrol({
      dataDir: this.o.dataDir,
      workstationId: this.o.workstationId,
      serverUrl: request.server,
      code: request.code,
      name: request.name ?? hostname(),
      caPem: request.caPem ?? null,
      keystore: this.keystores[0]!,
    });
    this.log(`sync: enrolled with ${request.server}`);
    this.reloadEnrolment();
    await this.tick();
    return this.last;
  }

  async forget(): Promise<SyncStatus> {
    this.pulledName = null;
    await this.o.store.outbox.writeState(WORKSTATION_STATE_KEY, null).catch(() => undefined);
    if (forgetEnrolment(this.o.dataDir))
      this.log('sync: the enrolment was forgotten; every row stays kept here');
    this.reloadEnrolment();
    await this.tick();
    return this.last;
  }

  /**
   * Sends the rows set aside again (after the central server was changed to take them): back in
   * the outbox in their places, audited with who asked; how many.
   */
  async sendSetAsideAgain(actor: string): Promise<number> {
    const requeued = await this.o.store.outbox.requeueSetAside();
    if (requeued > 0) {
      await this.o.store.recordAuditEvent({
        atMs: Date.now(),
        actor,
        action: 'sync-set-aside-requeued',
        subject: 'sync outbox',
        detail: `${requeued} row(s) set aside were queued to be sent again`,
      });
      this.log(`sync: ${requeued} row(s) set aside queued again by ${actor}`);
    }
    this.uploader.nudge();
    await this.tick();
    return requeued;
  }

  /** Reads the enrolment file again when it changed (or was made or removed). */
  private reloadEnrolment(): void {
    let stamp = 'none';
    try {
      const stats = statSync(`${syncDir(this.o.dataDir)}/enrolment.json`);
      stamp = `${stats.mtimeMs}/${stats.size}/${stats.ino}`;
    } catch {
      // none
    }
    if (stamp === this.enrolmentStamp) return;
    this.enrolmentStamp = stamp;
    this.enrolled?.agent?.destroy();
    this.enrolled = null;
    this.enrolmentProblem = null;
    let kept: StoredEnrolment | null = null;
    try {
      kept = readEnrolment(this.o.dataDir);
    } catch (error) {
      this.enrolmentProblem = (error as Error).message;
      this.log(`sync: ${this.enrolmentProblem}`);
    }
    if (kept !== null) {
      const endpoint = { serverUrl: kept.serverUrl, caPem: kept.caPem };
      try {
        const credential = credentialOf(kept, this.keystores);
        const agent = agentFor(endpoint);
        this.enrolled = {
          kept,
          agent,
          problem: null,
          link: {
            endpoint,
            credential,
            workstationId: kept.workstationId,
            serverId: kept.serverId,
            agent,
          },
        };
      } catch (error) {
        const problem = (error as Error).message;
        this.log(`sync: enrolled with ${kept.serverUrl}, but ${problem}`);
        this.enrolled = { kept, agent: null, problem, link: null };
      }
    }
    this.uploader.nudge();
    this.puller.nudge();
    this.censusPuller.nudge();
    this.accountsPuller.nudge();
  }

  /** Soon, but at most once a second: a state change or a batch sent. */
  private refreshSoon(): void {
    if (this.soon || this.stopped) return;
    const wait = Math.max(0, 1_000 - (Date.now() - this.lastEmitMs));
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.tick();
    }, wait);
    this.soon.unref();
  }

  private tick(): Promise<void> {
    this.ticking ??= this.tickOnce().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    this.reloadEnrolment();
    const enrolled = this.enrolled !== null;
    if (enrolled !== this.signalsWait) {
      // Enrolled: nothing unsent is pruned (store/retention.ts); the disk alarm covers the rest.
      await this.o.store.outbox.setSignalsWaitForSync(enrolled).then(
        () => (this.signalsWait = enrolled),
        (error: unknown) => this.log(`sync: ${String(error)}`),
      );
    }
    try {
      this.backlog = await this.o.store.outbox.backlog();
    } catch (error) {
      this.log(`sync: what waits could not be read: ${(error as Error).message}`);
    }
    try {
      this.free = freeBytes(this.o.dataDir);
    } catch {
      this.free = null;
    }
    const now = Date.now();
    const unsent = enrolled
      ? unsentDataCondition(this.backlog, this.free, now, this.o.unsentAlarm)
      : unsentDataCondition(null, null, now);
    const conditionChanged =
      unsent.present !== this.unsent.present ||
      (unsent.present && unsent.message !== this.unsent.message);
    this.unsent = unsent;
    if (conditionChanged) for (const listener of this.conditionListeners) listener();
    this.last = this.compose(now);
    const json = JSON.stringify(this.last);
    if (json !== this.lastSentJson) {
      // At most once a second: a change sooner is sent when the second is up.
      if (now - this.lastEmitMs < 1_000) return this.refreshSoon();
      this.lastSentJson = json;
      this.lastEmitMs = now;
      for (const listener of this.listeners) {
        try {
          listener(this.last);
        } catch (error) {
          this.log(`sync: a status listener failed: ${String(error)}`);
        }
      }
    }
  }

  private compose(now: number): SyncStatus {
    const uploader: UploaderState = this.uploader.state;
    const enrolled = this.enrolled;
    const state = syncStateOf(uploader, enrolled !== null);
    if (state !== this.state) {
      this.state = state;
      this.since = now;
    }
    return syncStatusOf({
      enrolment: enrolled
        ? {
            server: enrolled.kept.serverUrl,
            name: this.pulledName?.name ?? enrolled.kept.name,
            unit: this.pulledName ? this.pulledName.unit : enrolled.kept.unit,
          }
        : null,
      enrolmentProblem: enrolled?.problem ?? this.enrolmentProblem,
      uploader,
      since: this.since,
      backlog: this.backlog,
      drain: this.drain.rate(now, this.backlog?.bytes ?? 0, this.backlog?.rows ?? 0),
      lastSuccessAtMs: this.uploader.lastSuccessAtMs,
      nowMs: now,
    });
  }
}
