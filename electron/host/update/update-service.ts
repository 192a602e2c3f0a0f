// The workstation's updater, inside the core: reads the central server's feed now and then, asks
// the policy (policy.ts) with the beds monitored right now, downloads and checks the release,
// keeps the status a screen shows, tells the server, and hands a checked file to the Installer
// (the desktop shell's electron-updater) only when the policy says now. Plain Node, no electron.
import { UPDATES_PATH } from '../../../shared/update/release';
import { join } from 'node:path';
import {
  compareVersions,
  type UpdateChannel,
  type UpdatePlatform,
} from '../../../shared/update/release';
import type { UpdateStatus } from '../../../shared/api/contract-update';
import type { SyncEndpoint } from '../sync/http';
import { forgetStagedRelease, readStagedRelease, type StagedRelease } from './bundle';
import { UPDATES_FOLDER, type DownloadRequest } from './download';
import { fetchFeed, fetchSignedRelease, type FeedSource, type UpdateFeed } from './feed';
import {
  decideUpdate,
  parseMaintenanceWindow,
  type InstallNowRequest,
  type LocalTime,
  type MaintenanceWindow,
  type MonitoredBed,
  type UpdateDecision,
  type UpdateOffer,
} from './policy';
import {
  chooseCandidate,
  downloadCandidate,
  pruneUpdatesFolder,
  type Candidate,
} from './release-candidate';
import { ReleaseRefusedError, verifyFileOnDisk, type TrustedKey } from './signature';
import { reportOf, sendUpdateReport } from './update-report';
import { composeUpdateStatus, localTimeOf, stagingBucket, thisPlatform } from './update-status';

export { localTimeOf, stagingBucket, thisPlatform };

/** What the desktop shell implements with electron-updater: install this checked file now. */
export interface Installer {
  install(file: string): Promise<void>;
  /** Told once when a checked file is ready, so that a quit can install it at once. */
  prepare?(file: string): Promise<void>;
}

/** Where and as whom the server is reached: the sync enrolment (WorkstationSync.liveLink()). */
export interface UpdateLink {
  serverUrl: string;
  credential: string;
  ca?: string;
}

/** Runs `run` every `periodMs` until the returned function is called (tests drive it by hand). */
export interface UpdateScheduler {
  every(periodMs: number, run: () => void): () => void;
  /** Runs `run` once after `delayMs`, unless the returned function is called first. */
  after?(delayMs: number, run: () => void): () => void;
}

export const timerScheduler: UpdateScheduler = {
  every(periodMs, run) {
    const timer = setInterval(run, periodMs);
    timer.unref();
    return () => clearInterval(timer);
  },
  after(delayMs, run) {
    const timer = setTimeout(run, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** The central server's word that a feed changed (a release published, a rollout changed). */
export interface FeedNotice {
  channel: UpdateChannel;
  platform: UpdatePlatform;
}

export interface UpdateServiceOptions {
  dataDir: string;
  workstationId: string;
  runningVersion: string;
  platform: UpdatePlatform;
  channel: UpdateChannel;
  link: () => UpdateLink | null;
  /** The beds monitored right now (monitored-beds.ts monitoredBedsOf). */
  monitoredBeds: () => MonitoredBed[];
  /** The update signing keys built in (signature.ts loadTrustedKeys); none: nothing installs. */
  keys: readonly TrustedKey[];
  installer: Installer;
  /** How often the feed is read. Default CHECK_EVERY_MS. */
  checkEveryMs?: number;
  /** How often the policy is asked again (a window opening, beds emptied). Default EVALUATE_EVERY_MS. */
  evaluateEveryMs?: number;
  /** A feed notice is followed within a random 0…this (NOTICE_SPREAD_MS): 100 do not read at once. */
  noticeSpreadMs?: number;
  random?: () => number;
  now?: () => number;
  localTime?: (ms: number) => LocalTime;
  scheduler?: UpdateScheduler;
  feedTimeoutMs?: number;
  download?: Pick<
    DownloadRequest,
    'keepFreeBytes' | 'freeBytes' | 'idleTimeoutMs' | 'connectTimeoutMs'
  >;
  log?: (message: string) => void;
  /** The running version failed to start twice (start-record.ts failedStarts); null if not. */
  failedStart?: () => { version: string; message: string } | null;
}

/**
 * The feed is read every 10 s: it is one file of a few hundred bytes (1,000 workstations make 100
 * small requests a second), and a release IT publishes must reach every workstation within the
 * minute, download included; the policy is asked every 5 s (a window opening, the last bed emptied).
 */
export const CHECK_EVERY_MS = 10_000;
export const EVALUATE_EVERY_MS = 5_000;
/**
 * The server tells connected workstations when IT publishes (feedChanged): each reads the feed
 * within a random 0–1.5 s, so a hundred do not ask in the same millisecond; the periodic read
 * stays for a notice missed (offline, between two connections of the live link).
 */
export const NOTICE_SPREAD_MS = 1_500;
const PROGRESS_EVERY_MS = 500;

export class UpdateService {
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly updatesFolder: string;
  private feed: UpdateFeed | null = null;
  private windows: MaintenanceWindow[] = [];
  private candidate: Candidate | null = null;
  private problem: string | null = null;
  private installing = false;
  /** The candidate the installer was prepared with, and why it could not be. */
  private prepared: string | null = null;
  private installerProblem: string | null = null;
  private installation: Promise<void> | null = null;
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | null = null;
  private last: UpdateStatus;
  private lastJson = '';
  private lastReport = '';
  private reporting: Promise<void> = Promise.resolve();
  private cancel: (() => void) | null = null;
  /** A read the server's notice asked for, waiting for its moment (one at a time). */
  private cancelNoticeRead: (() => void) | null = null;
  private progressPublishedAtMs = -Infinity;
  private readonly listeners = new Set<(status: UpdateStatus) => void>();

  constructor(private readonly o: UpdateServiceOptions) {
    this.log = o.log ?? ((message) => console.log(message));
    this.now = o.now ?? Date.now;
    this.updatesFolder = join(o.dataDir, UPDATES_FOLDER);
    this.last = this.compose(this.decide({}));
  }

  start(): this {
    if (this.o.keys.length === 0)
      this.log('update: no update signing key is built in; nothing will be installed');
    this.cancel = (this.o.scheduler ?? timerScheduler).every(
      this.o.evaluateEveryMs ?? EVALUATE_EVERY_MS,
      () => {
        this.safely(this.tick());
      },
    );
    this.safely(this.tick());
    return this;
  }

  /** A round nobody awaits must never become an unhandled rejection (the core keeps running). */
  private safely(round: Promise<unknown>): void {
    round.catch((error: unknown) => this.log(`update: ${String(error)}`));
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    this.cancelNoticeRead?.();
    this.cancelNoticeRead = null;
    await this.checking;
    await this.reporting;
  }

  status(): UpdateStatus {
    return this.last;
  }

  /** The status now, then on every change. Returns the unsubscribe. */
  subscribe(listener: (status: UpdateStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.last);
    return () => this.listeners.delete(listener);
  }

  /** One round, as the timer runs it: the feed when it is due, the policy every time. */
  async tick(): Promise<void> {
    if (this.now() - this.lastCheckMs >= (this.o.checkEveryMs ?? CHECK_EVERY_MS)) {
      await this.check();
    } else {
      await this.evaluate({});
    }
  }

  /** Reads the feed (and any offline release) now, downloads what the policy says to. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * The central server says this feed changed (over the live link): read it within a random
   * moment of NOTICE_SPREAD_MS rather than at the next periodic read. Another channel's or
   * platform's notice, one while stopped, or one while a notice read already waits does nothing
   * more; what is offered is decided by the feed and its signatures, never by the notice.
   */
  feedChanged(notice: FeedNotice): void {
    if (notice.channel !== this.o.channel || notice.platform !== this.o.platform) return;
    if (!this.cancel || this.cancelNoticeRead) return;
    const random = this.o.random ?? Math.random;
    const delayMs = Math.floor(random() * (this.o.noticeSpreadMs ?? NOTICE_SPREAD_MS));
    const scheduler = this.o.scheduler ?? timerScheduler;
    const after = scheduler.after ?? timerScheduler.after!;
    this.cancelNoticeRead = after(delayMs, () => {
      this.cancelNoticeRead = null;
      if (this.cancel) this.safely(this.readAfterNotice());
    });
  }

  /** A read already under way may have read the feed before the change: one more after it. */
  private async readAfterNotice(): Promise<void> {
    if (this.checking) await this.checking;
    await this.check();
  }

  /**
   * A signed-in user chose "Install now" after seeing `sawBedIds` listed as monitored (the api's
   * Updates). Not followed, the answer says why (a bed monitored since) to this person only.
   */
  async installNow(
    request: InstallNowRequest,
  ): Promise<{ installing: boolean; status: UpdateStatus }> {
    const decision = this.decide({ installNow: request });
    if (decision.install !== 'now') return { installing: false, status: this.compose(decision) };
    await this.evaluate({ installNow: request });
    return { installing: this.last.state === 'installing', status: this.last };
  }

  /** The channel's feed on the server this workstation is enrolled with; null when not enrolled. */
  feedUrl(): string | null {
    const link = this.o.link();
    return link ? new URL(`${UPDATES_PATH}/${this.o.channel}/`, link.serverUrl).href : null;
  }

  /**
   * For the shell's before-quit, which must answer at once: may a quit now install the prepared
   * update (no bed monitored)? The shell then installs it itself (electron/main/updater.ts).
   */
  installOnQuitAllowed(): boolean {
    return !this.installing && this.decide({ quitting: true }).install === 'now';
  }

  /** A quit that can wait: installs through `install` when no bed is monitored; true if it did. */
  async beforeQuit(): Promise<boolean> {
    const decision = await this.evaluate({ quitting: true });
    return decision.install === 'now' && this.last.state === 'installing';
  }

  private link(): { endpoint: SyncEndpoint; credential: string } | null {
    const link = this.o.link();
    return link
      ? {
          endpoint: { serverUrl: link.serverUrl, caPem: link.ca ?? null },
          credential: link.credential,
        }
      : null;
  }

  private source(link: { endpoint: SyncEndpoint; credential: string }): FeedSource {
    return {
      endpoint: link.endpoint,
      channel: this.o.channel,
      platform: this.o.platform,
      credential: link.credential,
      timeoutMs: this.o.feedTimeoutMs ?? 30_000,
    };
  }

  private async checkOnce(): Promise<void> {
    this.lastCheckMs = this.now();
    const link = this.link();
    this.problem = null;
    if (link) {
      try {
        this.feed = await fetchFeed(this.source(link));
        this.windows = this.parseWindows(this.feed.maintenanceWindows);
      } catch (error) {
        this.problem = `the update feed could not be read: ${(error as Error).message}`;
        this.log(`update: ${this.problem}`);
      }
    }
    const offline = await this.readOffline();
    this.choose(offline);
    const candidate = this.candidate;
    if (link && candidate?.source === 'feed' && candidate.download.kind === 'refused') {
      await this.retryRefused(link, candidate);
    }
    if (link && candidate && this.decide({}).download) await this.fetchAndDownload(link, candidate);
    await this.prepare();
    await this.evaluate({});
  }

  /** Hands a ready file to the installer's `prepare` once; a failure is shown and tried again. */
  private async prepare(): Promise<void> {
    const candidate = this.candidate;
    this.installerProblem = null;
    if (candidate?.download.kind !== 'ready' || !candidate.path || !this.o.installer.prepare)
      return;
    if (this.prepared === candidate.identity) return;
    try {
      await this.o.installer.prepare(candidate.path);
      this.prepared = candidate.identity;
    } catch (error) {
      this.installerProblem = (error as Error).message;
      this.log(
        `update: the installer could not take ${candidate.version}: ${this.installerProblem}`,
      );
    }
  }

  private parseWindows(texts: readonly string[]): MaintenanceWindow[] {
    const windows: MaintenanceWindow[] = [];
    for (const text of texts) {
      const parsed = parseMaintenanceWindow(text);
      if (typeof parsed === 'string') this.log(`update: maintenance window ignored: ${parsed}`);
      else windows.push(parsed);
    }
    return windows;
  }

  private async readOffline(): Promise<StagedRelease | null> {
    try {
      return await readStagedRelease(this.updatesFolder, {
        keys: this.o.keys,
        platform: this.o.platform,
        runningVersion: this.o.runningVersion,
      });
    } catch (error) {
      // Installed already (not newer now), or no longer what was signed: forgotten.
      this.log(`update: the release brought offline is set aside: ${(error as Error).message}`);
      forgetStagedRelease(this.updatesFolder);
      return null;
    }
  }

  private choose(offline: StagedRelease | null): void {
    const next = chooseCandidate(this.feed, offline);
    if (next?.identity !== this.candidate?.identity) this.candidate = next;
    const newer = next && compareVersions(next.version, this.o.runningVersion) > 0 ? next : null;
    try {
      pruneUpdatesFolder(this.updatesFolder, newer);
    } catch (error) {
      this.log(`update: old downloads could not be removed: ${(error as Error).message}`);
    }
  }

  private async retryRefused(
    link: { endpoint: SyncEndpoint; credential: string },
    candidate: Candidate,
  ): Promise<void> {
    const json = await fetchSignedRelease(this.source(link)).catch(() => null);
    if (json !== null && json !== candidate.refusedJson) {
      candidate.download = { kind: 'none' };
      candidate.refusedJson = null;
    }
  }

  private async fetchAndDownload(
    link: { endpoint: SyncEndpoint; credential: string },
    candidate: Candidate,
  ): Promise<void> {
    candidate.download = {
      kind: 'downloading',
      receivedBytes: 0,
      totalBytes: this.feed!.file.size ?? 0,
    };
    this.safely(this.evaluate({}));
    const problem = await downloadCandidate(candidate, this.feed!, {
      source: this.source(link),
      keys: this.o.keys,
      runningVersion: this.o.runningVersion,
      folder: this.updatesFolder,
      download: this.o.download ?? {},
      // Twice a second at most: a 110 MiB file is ~1,800 pieces, each a status to every screen.
      onProgress: () => {
        const nowMs = this.now();
        if (nowMs - this.progressPublishedAtMs < PROGRESS_EVERY_MS) return;
        this.progressPublishedAtMs = nowMs;
        this.publish(this.decide({}));
      },
      log: this.log,
    });
    if (problem) this.problem = problem;
  }

  private decide(extra: { installNow?: InstallNowRequest; quitting?: boolean }): UpdateDecision {
    const candidate = this.candidate;
    const offer: UpdateOffer | null = !candidate
      ? null
      : candidate.source === 'offline' || !this.feed
        ? {
            version: candidate.version,
            channel: this.o.channel,
            rolloutPercent: 100,
            minimumVersion: null,
          }
        : {
            version: this.feed.version,
            channel: this.feed.channel,
            rolloutPercent: this.feed.rolloutPercent,
            minimumVersion: this.feed.minimumVersion,
          };
    const version = offer?.version ?? this.o.runningVersion;
    return decideUpdate({
      runningVersion: this.o.runningVersion,
      channel: this.o.channel,
      offer,
      stagingBucket: stagingBucket(this.o.workstationId, version),
      download: candidate?.download ?? { kind: 'none' },
      monitoredBeds: this.o.monitoredBeds(),
      windows: this.windows,
      now: (this.o.localTime ?? localTimeOf)(this.now()),
      signingKey: this.o.keys.length > 0,
      installNow: extra.installNow ?? null,
      quitting: extra.quitting ?? false,
    });
  }

  /** Asks the policy now; installs when it says so; publishes and reports the status. */
  private async evaluate(extra: {
    installNow?: InstallNowRequest;
    quitting?: boolean;
  }): Promise<UpdateDecision> {
    const decision = this.decide(extra);
    if (decision.install === 'now' && !this.installing) {
      this.installation = this.install(decision).finally(() => (this.installation = null));
    }
    // One installation at a time; a round during it sees it through.
    if (this.installation) await this.installation;
    else if (!this.installing) this.publish(decision);
    await this.report();
    return decision;
  }

  private async install(decision: UpdateDecision): Promise<void> {
    const candidate = this.candidate;
    if (!candidate?.file || !candidate.path) return;
    this.installing = true;
    this.publish(decision);
    await this.report();
    try {
      // Checked again: the file may have been changed on disk since it was downloaded.
      await verifyFileOnDisk(candidate.file, candidate.path);
      this.log(`update: installing ${candidate.version}: ${decision.status}`);
      await this.o.installer.install(candidate.path);
      // The shell quits and the new version starts: 'installing' stays until then.
    } catch (error) {
      this.installing = false;
      const message = (error as Error).message;
      if (error instanceof ReleaseRefusedError) {
        candidate.download = { kind: 'refused', detail: message };
      } else {
        // Shown on the line (the file stays ready; the next safe moment tries again).
        this.installerProblem = message;
      }
      this.log(`update: ${candidate.version} not installed: ${message}`);
      this.publish(this.decide({}));
      await this.report();
    }
  }

  private publish(decision: UpdateDecision): void {
    this.last = this.compose(decision);
    const json = JSON.stringify(this.last);
    if (json === this.lastJson) return;
    this.lastJson = json;
    for (const listener of this.listeners) {
      try {
        listener(this.last);
      } catch (error) {
        this.log(`update: a status listener failed: ${String(error)}`);
      }
    }
  }

  private compose(decision: UpdateDecision): UpdateStatus {
    const candidate = this.candidate;
    return composeUpdateStatus({
      decision,
      runningVersion: this.o.runningVersion,
      candidate: candidate ? { version: candidate.version, download: candidate.download } : null,
      installing: this.installing,
      problem: this.problem,
      installerProblem: this.installerProblem,
      enrolled: this.o.link() !== null,
      monitoredBeds: this.o.monitoredBeds(),
      failedStart: this.o.failedStart?.() ?? null,
    });
  }

  /** One report at a time, in order; the same report is not sent twice. */
  private report(): Promise<void> {
    this.reporting = this.reporting.then(() => this.reportOnce());
    return this.reporting;
  }

  private async reportOnce(): Promise<void> {
    const link = this.link();
    if (!link) return;
    const report = reportOf(this.last, this.o.platform, this.o.channel);
    const key = JSON.stringify(report);
    if (key === this.lastReport) return;
    try {
      await sendUpdateReport(link.endpoint, link.credential, report);
      this.lastReport = key;
    } catch (error) {
      this.log(
        `update: the report to the central server was not sent: ${(error as Error).message}`,
      );
    }
  }
}
