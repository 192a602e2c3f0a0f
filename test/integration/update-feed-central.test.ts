// The update feed end to end without Electron: IT's release signed with `server release`'s code and
// published on a real central server (real PostgreSQL, real HTTP), then read by the workstation's
// updater code: the feed parsed, the signed release checked with the public key IT built in, the
// file downloaded with its sha512 checked, resumed (not restarted) after a cut at 50 %, and the
// workstation's report shown on IT's list. Then IT changes the channel: the server tells the
// workstations connected to its live relay at once, and the updater reads the feed on that word
// (its periodic read an hour away); a socket without a valid credential hears nothing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import WebSocket from 'ws';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_ADMIN_PATHS, WorkstationUpdateList } from '../../shared/update/release-admin';
import { downloadReleaseFile } from '../../electron/host/update/download';
import { feedPath, fetchFeed, fetchSignedRelease } from '../../electron/host/update/feed';
import {
  signedFile,
  trustedKeyFrom,
  verifySignedRelease,
} from '../../electron/host/update/signature';
import { sendUpdateReport } from '../../electron/host/update/update-report';
import { UpdateService, type UpdateScheduler } from '../../electron/host/update/update-service';
import {
  LivePublisher,
  liveUrl,
  type UpdateFeedNotice,
} from '../../electron/host/sync/live-publisher';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol';
import { PUBLIC_KEY_FILE } from '../../server/releases/release-signing';
import { ADMIN_TOKEN, startTestCentral } from '../../server/test-support/central';
import type { TestCentral } from '../../server/test-support/central';
import { bearer, call } from '../../server/test-support/http-client';
import { publish, releaseKit, uploadRelease } from '../../server/test-support/releases';
import type { ReleaseKit } from '../../server/test-support/releases';

let kit: ReleaseKit;
let central: TestCentral;
let folder: string;
const NAME = 'clinical-workstation-1.4.0.AppImage';

beforeAll(async () => {
  kit = await releaseKit();
  folder = await mkdtemp(join(tmpdir(), 'update-feed-ws-'));
  central = await startTestCentral({ releases: { trustedKeys: kit.trustedKeys } });
  const path = await kit.file(NAME, 3 * 1024 * 1024 + 777);
  const signed = await kit.sign('1.4.0', 'linux', [path]);
  await uploadRelease(central.url, signed, [path]);
  expect((await publish(central.url, 'pilot', 'linux', '1.4.0', 30, '1.0.0')).status).toBe(200);
});
afterAll(async () => {
  await central?.stop();
  await kit?.remove();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the central server's feed, read by the workstation's updater", () => {
  it('parses the feed, checks the signature, downloads, resumes after a cut, and reports', async () => {
    const endpoint = { serverUrl: central.url, caPem: null };
    const source = { endpoint, channel: 'pilot' as const, platform: 'linux' as const };
    const feed = await fetchFeed(source);
    expect(feed).toMatchObject({
      version: '1.4.0',
      rolloutPercent: 30,
      minimumVersion: '1.0.0',
      file: { name: NAME },
    });
    const key = trustedKeyFrom(
      await readFile(join(kit.dir, 'keys', PUBLIC_KEY_FILE), 'utf8'),
      PUBLIC_KEY_FILE,
    );
    const release = verifySignedRelease(await fetchSignedRelease(source), {
      keys: [key],
      platform: 'linux',
      runningVersion: '1.3.0',
      feedVersion: feed.version,
    });
    const file = signedFile(release, feed.file.name);

    // Cut at 50 %: the next call resumes from there.
    const cut = new AbortController();
    await expect(
      downloadReleaseFile({
        endpoint,
        path: feedPath('pilot', file.name),
        folder,
        file,
        version: release.manifest.version,
        signal: cut.signal,
        onProgress: (received, total) => {
          if (received >= total / 2) cut.abort();
        },
      }),
    ).rejects.toThrow();
    const done = await downloadReleaseFile({
      endpoint,
      path: feedPath('pilot', file.name),
      folder,
      file,
      version: release.manifest.version,
    });
    // Resumed near where it was cut (what reached the disk before the abort), not restarted.
    expect(done.resumedFromBytes).toBeGreaterThan(file.size / 3);
    expect(done.receivedBytes).toBeLessThan(file.size);
    expect(done.resumedFromBytes + done.receivedBytes).toBe(file.size);
    expect((await readFile(done.path)).equals(await readFile(join(kit.dir, NAME)))).toBe(true);

    const credential = await central.enrol('ws-feed-1');
    await sendUpdateReport(endpoint, credential, {
      runningVersion: '1.3.0',
      platform: 'linux',
      channel: 'pilot',
      state: 'ready',
      offeredVersion: '1.4.0',
      detail: null,
    });
    const list = WorkstationUpdateList.parse(
      (
        await call(central.url, RELEASE_ADMIN_PATHS.workstationUpdates, {
          headers: bearer(ADMIN_TOKEN),
        })
      ).json,
    );
    expect(list.workstations.find((w) => w.id === 'ws-feed-1')).toMatchObject({
      appVersion: '1.3.0',
      lastReport: { state: 'ready', offeredVersion: '1.4.0' },
    });
  });
});

async function until(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the server tells connected workstations when the feed changes', () => {
  it('sends a notice over the live link on a change of the channel, and the updater reads the feed on it', async () => {
    const credential = await central.enrol('ws-notice');
    const link = () => ({ serverUrl: central.url, credential });
    const key = trustedKeyFrom(
      await readFile(join(kit.dir, 'keys', PUBLIC_KEY_FILE), 'utf8'),
      PUBLIC_KEY_FILE,
    );
    // No periodic read (nor round): only the notice can make it read the feed again.
    const scheduler: UpdateScheduler = {
      every: () => () => undefined,
      after: (ms, run) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      },
    };
    const updater = new UpdateService({
      dataDir: join(folder, 'ws-notice'),
      workstationId: 'ws-notice',
      runningVersion: '1.3.0',
      platform: 'linux',
      channel: 'pilot',
      link,
      monitoredBeds: () => [{ bedId: 'bed-1', label: 'Bed 1', patient: null, devices: 1 }],
      keys: [key],
      installer: { install: async () => undefined },
      checkEveryMs: 60 * 60_000,
      scheduler,
      noticeSpreadMs: 200,
      log: () => undefined,
    }).start();
    const notices: UpdateFeedNotice[] = [];
    const live = new LivePublisher({
      source: {
        id: 'ws-notice',
        router: { subscribe: () => () => undefined },
        beds: new Map(),
        bus: { on: () => () => undefined },
      },
      link,
      log: () => undefined,
      onUpdateFeed: (notice) => {
        notices.push(notice);
        updater.feedChanged(notice);
      },
    }).start();
    // A socket with a credential the server does not know: refused, and told nothing else.
    const stranger = new WebSocket(liveUrl(central.url), {
      headers: {
        authorization: 'Bearer not-a-credential',
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
      },
    });
    const heard: string[] = [];
    stranger.on('message', (data) => heard.push(String(data)));
    stranger.on('error', () => undefined);
    try {
      await until(() => live.status().state === 'connected', 'the live link');
      await updater.check(); // the first read, started by start()
      await until(() => heard.length > 0, "the stranger's refusal");
      // Staging 30 %: whether this workstation is offered 1.4.0 depends on its bucket; a minimum
      // above what it runs offers it whatever the staging.
      expect(updater.status().required).toBe(false);
      const changed = await call(central.url, RELEASE_ADMIN_PATHS.channelSettings, {
        headers: bearer(ADMIN_TOKEN),
        body: { channel: 'pilot', platform: 'linux', minimumVersion: '1.3.1' },
      });
      expect(changed.status, changed.text).toBe(200);
      await until(() => notices.length > 0, 'the notice');
      expect(notices).toEqual([{ channel: 'pilot', platform: 'linux' }]);
      await until(() => updater.status().required, 'the feed read again');
      expect(updater.status()).toMatchObject({ offeredVersion: '1.4.0', required: true });
      expect(heard.some((text) => text.includes('update-feed'))).toBe(false);
      expect(heard.map((text) => JSON.parse(text) as { type: string })).toEqual([
        expect.objectContaining({ type: 'refused', error: 'unauthenticated' }),
      ]);
    } finally {
      stranger.terminate();
      await live.stop();
      await updater.stop();
    }
  });
});
