// The updater inside the core against a central server on loopback (feed, signed release, file,
// update reports), with a clock and a timer the test moves, beds it fills and empties, and an
// Installer that only records what it was handed.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server-fixture';
import { makeSigningKey, sha512Of, signRelease } from './release-fixture';
import type { Updates } from '../api/update-handlers';
import { trustedKeyFrom, type TrustedKey } from './signature';
import type { MonitoredBed } from './policy';
import {
  stagingBucket,
  UpdateService,
  type UpdateScheduler,
  type UpdateServiceOptions,
} from './update-service';

const NAME = 'Clinical-Workstation-3.2.0.AppImage';
const key = makeSigningKey();
const trusted: TrustedKey[] = [trustedKeyFrom(key.publicPem, 'it.pub')];
const BED: MonitoredBed = {
  bedId: 'bed-1',
  label: 'Bed 1',
  patient: 'DOE, Jane (MRN 1)',
  devices: 1,
};

let server: FeedServer;
let dataDir: string;
let installed: string[];
let beds: MonitoredBed[];
let nowMs: number;
let scheduled: Array<{ periodMs: number; run: () => void }>;
let delayed: Array<{ delayMs: number; run: () => void }>;

const scheduler: UpdateScheduler = {
  every(periodMs, run) {
    const entry = { periodMs, run };
    scheduled.push(entry);
    return () => scheduled.splice(scheduled.indexOf(entry), 1);
  },
  after(delayMs, run) {
    const cancel = () => {
      if (delayed.includes(entry)) delayed.splice(delayed.indexOf(entry), 1);
    };
    const entry = {
      delayMs,
      run: () => {
        cancel();
        run();
      },
    };
    delayed.push(entry);
    return cancel;
  },
};

beforeEach(async () => {
  server = await startFeedServer();
  dataDir = mkdtempSync(join(tmpdir(), 'update-service-'));
  installed = [];
  beds = [];
  nowMs = Date.parse('2026-12-08T10:00:00Z');
  scheduled = [];
  delayed = [];
});
afterEach(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function publish(
  bytes: Buffer,
  settings: {
    rolloutPercent?: number;
    minimumVersion?: string;
    windows?: string[];
    version?: string;
  } = {},
): void {
  const version = settings.version ?? '3.2.0';
  const release = signRelease(key, version, 'linux', { [NAME]: bytes });
  server.put('stable', 'release-linux.json', JSON.stringify(release));
  server.put('stable', NAME, bytes);
  server.put(
    'stable',
    'latest-linux.yml',
    [
      `version: ${version}`,
      'files:',
      `  - url: ${NAME}`,
      `    sha512: ${sha512Of(bytes)}`,
      `    size: ${bytes.byteLength}`,
      `path: ${NAME}`,
      `sha512: ${sha512Of(bytes)}`,
      `rolloutPercent: ${settings.rolloutPercent ?? 100}`,
      `minimumVersion: ${settings.minimumVersion ?? 'null'}`,
      ...(settings.windows
        ? ['maintenanceWindows:', ...settings.windows.map((w) => `  - ${w}`)]
        : []),
      '',
    ].join('\n'),
  );
}

function service(overrides: Partial<UpdateServiceOptions> = {}): UpdateService {
  return new UpdateService({
    dataDir,
    workstationId: 'ws-0001',
    runningVersion: '3.1.0',
    platform: 'linux',
    channel: 'stable',
    link: () => ({ serverUrl: server.url, credential: 'cred-ws-1' }),
    monitoredBeds: () => beds,
    keys: trusted,
    installer: {
      install: async (file) => {
        installed.push(file);
      },
    },
    checkEveryMs: 60 * 60_000,
    evaluateEveryMs: 60_000,
    now: () => nowMs,
    // Tuesday 10:00 unless a test says otherwise.
    localTime: () => ({ weekday: 2, minute: 600 }),
    scheduler,
    feedTimeoutMs: 2_000,
    download: { keepFreeBytes: 0 },
    log: () => undefined,
    ...overrides,
  });
}

async function until(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const feedReads = () => server.requests.filter((r) => r.path.endsWith('latest-linux.yml')).length;
const reportStates = () => server.reports.map((r) => (r.body as { state: string }).state);

describe('UpdateService', () => {
  it('downloads and checks an update offered to it, and installs it on a quit with no bed monitored', async () => {
    const bytes = randomBytes(256 * 1024);
    publish(bytes);
    const updater = service();
    const api: Updates = updater; // what the api's update handlers are given
    expect(api.status()?.state).toBe('current');
    await updater.check();
    expect(updater.status()).toMatchObject({
      state: 'ready',
      offeredVersion: '3.2.0',
      installable: true,
      line: 'Update 3.2.0 ready — will install when the workstation is next quit',
    });
    expect(installed).toEqual([]);
    expect(await updater.beforeQuit()).toBe(true);
    expect(installed).toEqual([join(dataDir, 'updates', NAME)]);
    expect(updater.status().state).toBe('installing');
    expect(reportStates()).toEqual(['downloading', 'ready', 'installing']);
    expect(server.reports[0]!.authorization).toBe('Bearer cred-ws-1');
    // Restarted as 3.2.0: the file installed is removed, the disk is for monitoring data.
    const restarted = service({ runningVersion: '3.2.0' });
    await restarted.check();
    expect(restarted.status()).toMatchObject({
      state: 'current',
      line: 'Version 3.2.0 — up to date',
    });
    expect(readdirSync(join(dataDir, 'updates'))).toEqual([]);
    expect(server.reports[1]!.body).toEqual({
      runningVersion: '3.1.0',
      platform: 'linux',
      channel: 'stable',
      state: 'ready',
      offeredVersion: '3.2.0',
      detail: null,
    });
  });

  it('never installs under a monitored bed at a quit or in the window; a signed-in user who saw the beds can', async () => {
    publish(randomBytes(64 * 1024), { windows: ['Sun 02:00–04:00'] });
    beds = [BED];
    // Sunday 02:30, inside the window.
    const updater = service({ localTime: () => ({ weekday: 0, minute: 150 }) });
    await updater.check();
    expect(updater.status().line).toBe(
      'Update 3.2.0 ready — will install when no patient is monitored, or at the maintenance window',
    );
    expect(updater.status().monitoredBeds).toEqual([BED]);
    expect(await updater.beforeQuit()).toBe(false);
    await updater.tick();
    expect(installed).toEqual([]);

    const unseen = await updater.installNow({ user: 'nurse.ada', sawBedIds: [] });
    expect(unseen.installing).toBe(false);
    expect(unseen.status.line).toContain('Bed 1 began to be monitored after the list was shown');
    expect(updater.status().state).toBe('ready'); // the other screens' line is unchanged
    expect(installed).toEqual([]);
    const nobody = await updater.installNow({ user: '', sawBedIds: ['bed-1'] });
    expect(nobody.installing).toBe(false);
    const asked = await updater.installNow({ user: 'nurse.ada', sawBedIds: ['bed-1'] });
    expect(asked).toMatchObject({ installing: true, status: { state: 'installing' } });
    expect(asked.status.line).toBe('Installing update 3.2.0 — asked by nurse.ada');
    expect(installed).toHaveLength(1);
  });

  it('installs by itself in the maintenance window once no bed is monitored', async () => {
    publish(randomBytes(64 * 1024), { windows: ['Sat 23:00–01:00'] });
    beds = [BED];
    let local = { weekday: 6, minute: 22 * 60 };
    const updater = service({ localTime: () => local }).start();
    await updater.check();
    expect(updater.status().state).toBe('ready');
    local = { weekday: 0, minute: 30 }; // Sunday 00:30: inside, across midnight
    await updater.tick();
    expect(installed).toEqual([]); // a bed is still monitored
    beds = [];
    scheduled[0]!.run(); // the timer's round
    await updater.tick();
    expect(installed).toHaveLength(1);
    await updater.stop();
    expect(scheduled).toEqual([]);
  });

  it('reads the feed when its interval is up on the clock given, and asks the policy every round', async () => {
    publish(randomBytes(1024), { rolloutPercent: 0 });
    const updater = service();
    await updater.tick();
    expect(feedReads()).toBe(1);
    expect(updater.status()).toMatchObject({ state: 'current', offeredVersion: null });
    expect(updater.status().line).toContain("this workstation's turn has not come yet");
    nowMs += 30 * 60_000;
    await updater.tick();
    expect(feedReads()).toBe(1);
    nowMs += 30 * 60_000;
    publish(randomBytes(1024), { rolloutPercent: 100 });
    await updater.tick();
    expect(feedReads()).toBe(2);
    expect(updater.status().state).toBe('ready');
  });

  it("reads the feed soon after the server's notice, spread at random, one read for a burst; other feeds' notices do nothing", async () => {
    publish(randomBytes(1024), { rolloutPercent: 0 });
    const notice = { channel: 'stable', platform: 'linux' } as const;
    const updater = service({ random: () => 0.5, noticeSpreadMs: 2_000 });
    updater.feedChanged(notice); // not started: nothing
    expect(delayed).toEqual([]);
    updater.start();
    await updater.check();
    expect(feedReads()).toBe(1);
    expect(updater.status().state).toBe('current');

    publish(randomBytes(1024), { rolloutPercent: 100 });
    updater.feedChanged({ channel: 'pilot', platform: 'linux' });
    updater.feedChanged({ channel: 'stable', platform: 'win' });
    expect(delayed).toEqual([]);
    updater.feedChanged(notice);
    updater.feedChanged(notice); // a burst: one read waits
    expect(delayed.map((d) => d.delayMs)).toEqual([1_000]);
    expect(feedReads()).toBe(1); // not before its moment (the periodic read is an hour away)
    delayed[0]!.run();
    await until(() => updater.status().state === 'ready');
    expect(feedReads()).toBe(2);
    expect(delayed).toEqual([]);

    // Stopped: a notice schedules nothing; a read that was waiting does not happen.
    updater.feedChanged(notice);
    expect(delayed).toHaveLength(1);
    const waiting = delayed[0]!;
    await updater.stop();
    expect(delayed).toEqual([]);
    waiting.run();
    updater.feedChanged(notice);
    expect(delayed).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(feedReads()).toBe(2);
  });

  it("prepares the shell's installer once, and answers its quit at once: only with no bed monitored", async () => {
    publish(randomBytes(4096));
    const prepared: string[] = [];
    let failPrepare = true;
    const updater = service({
      installer: {
        install: async (file) => void installed.push(file),
        prepare: async (file) => {
          if (failPrepare) throw new Error('the feed does not offer this release to the installer');
          prepared.push(file);
        },
      },
    });
    await updater.check();
    expect(updater.status()).toMatchObject({ state: 'error', installable: false });
    expect(updater.status().line).toBe(
      'Update 3.2.0 downloaded, but the installer could not take it: the feed does not offer this release to the installer; it will try again',
    );
    expect(updater.installOnQuitAllowed()).toBe(true); // the shell holds nothing: it installs nothing
    failPrepare = false;
    nowMs += 60 * 60_000;
    await updater.tick();
    nowMs += 60 * 60_000;
    await updater.tick();
    expect(prepared).toEqual([join(dataDir, 'updates', NAME)]);
    expect(updater.status().state).toBe('ready');
    beds = [BED];
    expect(updater.installOnQuitAllowed()).toBe(false);
    beds = [];
    expect(updater.installOnQuitAllowed()).toBe(true);
    expect(installed).toEqual([]);
  });

  it('downloads below the minimum version whatever the staging', async () => {
    publish(randomBytes(1024), { rolloutPercent: 0, minimumVersion: '3.2.0' });
    const updater = service();
    await updater.check();
    expect(updater.status()).toMatchObject({ state: 'ready', required: true });
    expect(updater.status().line).toMatch(/^Required update 3.2.0 ready/);
  });

  it('refuses a tampered file, reports it, and installs nothing even at a quit', async () => {
    const bytes = randomBytes(64 * 1024);
    publish(bytes);
    const tampered = Buffer.from(bytes);
    tampered[0] = tampered[0]! ^ 1;
    server.put('stable', NAME, tampered);
    const updater = service();
    await updater.check();
    expect(updater.status().state).toBe('refused');
    expect(updater.status().line).toMatch(
      /refused, nothing installed: .*does not match its signed sha512/,
    );
    expect(await updater.beforeQuit()).toBe(false);
    expect(installed).toEqual([]);
    const refused = server.reports.find((r) => (r.body as { state: string }).state === 'refused');
    expect((refused!.body as { detail: string }).detail).toContain(
      'does not match its signed sha512',
    );
    // IT publishes it again, signed: the next round takes it.
    publish(randomBytes(64 * 1024));
    nowMs += 60 * 60_000;
    await updater.tick();
    expect(updater.status().state).toBe('ready');
  });

  it('with no signing key built in, downloads nothing and says why', async () => {
    publish(randomBytes(1024));
    const updater = service({ keys: [] });
    await updater.check();
    expect(updater.status().state).toBe('refused');
    expect(updater.status().line).toContain('no update signing key is built into this workstation');
    expect(server.requests.some((r) => r.path.endsWith(NAME))).toBe(false);
  });

  it('says the feed could not be read, and what to expect, on a 404', async () => {
    const updater = service();
    await updater.check();
    expect(updater.status().state).toBe('error');
    expect(updater.status().line).toMatch(
      /^Version 3.1.0 — the update feed could not be read: .*404.*it will try again$/,
    );
    expect(reportStates()).toEqual(['error']);
  });

  it('reads nothing and reports nothing while not enrolled', async () => {
    const updater = service({ link: () => null });
    await updater.check();
    expect(updater.status().line).toContain('once this workstation is enrolled');
    expect(server.requests).toEqual([]);
  });
});

describe('stagingBucket', () => {
  it('is the same for a workstation and version, 0–99, and spread across workstations', () => {
    expect(stagingBucket('ws-1', '3.2.0')).toBe(stagingBucket('ws-1', '3.2.0'));
    const buckets = Array.from({ length: 2000 }, (_, i) => stagingBucket(`ws-${i}`, '3.2.0'));
    expect(Math.min(...buckets)).toBe(0);
    expect(Math.max(...buckets)).toBe(99);
    expect(new Set(buckets).size).toBe(100);
    // Another version gives another order, so the same workstations are not always first.
    const next = Array.from({ length: 2000 }, (_, i) => stagingBucket(`ws-${i}`, '3.3.0'));
    expect(next).not.toEqual(buckets);
  });
});
