// The update feed end to end without Electron: IT's release signed with `server release`'s code and
// published on a real central server (real PostgreSQL, real HTTP), then read by the workstation's
// updater code: the feed parsed, the signed release checked with the public key IT built in, the
// file downloaded with its sha512 checked, resumed (not restarted) after a cut at 50 %, and the
// workstation's report shown on IT's list.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
