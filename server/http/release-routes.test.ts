// IT's releases on a real central server (real PostgreSQL, real HTTP): a signed release and its
// files uploaded, a changed file and another key's release refused, a server without a key
// publishing nothing, two channels with their staging and minimum version in the feed (read back
// with js-yaml, as electron-updater reads it), and a workstation's update report stored and listed.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedRelease, UPDATE_REPORT_PATH } from '../../shared/update/release';
import type { UpdateReport } from '../../shared/update/release';
import {
  ChannelAssignment,
  RELEASE_ADMIN_PATHS,
  ReleaseOverview,
  WorkstationUpdateList,
} from '../../shared/update/release-admin';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { download, publish, releaseKit, uploadRelease } from '../test-support/releases';
import type { ReleaseKit } from '../test-support/releases';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const admin = bearer(ADMIN_TOKEN);

let kit: ReleaseKit;
let central: TestCentral;
let exe123: string;
let exe130: string;
let signed123: SignedRelease;
let signed130: SignedRelease;

beforeAll(async () => {
  kit = await releaseKit();
  central = await startTestCentral({ releases: { trustedKeys: kit.trustedKeys } });
  exe123 = await kit.file('Clinical-Workstation-Setup-1.2.3.exe', 2_500_000);
  exe130 = await kit.file('Clinical-Workstation-Setup-1.3.0.exe', 300_000);
  signed123 = await kit.sign('1.2.3', 'win', [exe123]);
  signed130 = await kit.sign('1.3.0', 'win', [exe130]);
});
afterAll(async () => {
  await central?.stop();
  await kit?.remove();
});

describe('uploading releases', () => {
  it('keeps a signed release and its files, complete once every file matched', async () => {
    const answer = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: signed123,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ version: '1.2.3', platform: 'win', complete: false });
    const early = await publish(central.url, 'stable', 'win', '1.2.3');
    expect(early.status).toBe(409);
    expect(early.json.message).toMatch(/upload Clinical-Workstation-Setup-1\.2\.3\.exe first/);

    await uploadRelease(central.url, signed123, [exe123]);
    const list = ReleaseOverview.parse(
      (await call(central.url, RELEASE_ADMIN_PATHS.releases, { headers: admin })).json,
    );
    expect(list.releases).toHaveLength(1);
    expect(list.releases[0]).toMatchObject({ version: '1.2.3', complete: true });
    expect(list.trustedKeyIds).toEqual([signed123.keyId]);
    // The same release again changes nothing.
    const again = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: signed123,
    });
    expect(again.json).toMatchObject({ complete: true });
  });

  it('refuses a file whose bytes are not the signed ones, keeping nothing of it', async () => {
    await call(central.url, RELEASE_ADMIN_PATHS.releases, { headers: admin, body: signed130 });
    const bytes = await readFile(exe130);
    bytes[1000] = bytes[1000]! ^ 0xff;
    const path = RELEASE_ADMIN_PATHS.file('win', '1.3.0', 'Clinical-Workstation-Setup-1.3.0.exe');
    const tampered = await call(central.url, path, { method: 'PUT', headers: admin, body: bytes });
    expect(tampered.status).toBe(422);
    expect(tampered.json.message).toMatch(/does not match the signed release/);
    const short = await call(central.url, path, {
      method: 'PUT',
      headers: admin,
      body: bytes.subarray(0, 1000),
    });
    expect(short.status).toBe(400);
    expect(short.json.message).toMatch(/signed release says 300000/);
    const stranger = await call(
      central.url,
      RELEASE_ADMIN_PATHS.file('win', '1.3.0', 'other.exe'),
      { method: 'PUT', headers: admin, body: bytes },
    );
    expect(stranger.status).toBe(404);
    const { rows } = await central.server.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM release_file_chunks c
       WHERE NOT EXISTS (SELECT 1 FROM release_files f WHERE f.upload_id = c.upload_id)`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    const noAdmin = await call(central.url, path, { method: 'PUT', body: bytes });
    expect(noAdmin.status).toBe(401);
    await uploadRelease(central.url, signed130, [exe130]);
  });

  it('refuses a release signed by a key it does not trust, or changed after signing', async () => {
    const other = await releaseKit();
    try {
      const foreign = await other.sign('1.4.0', 'win', [exe130]);
      const refused = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
        headers: admin,
        body: foreign,
      });
      expect(refused.status).toBe(403);
      expect(refused.json.message).toMatch(/does not trust/);
    } finally {
      await other.remove();
    }
    const changed = structuredClone(signed130);
    changed.manifest.version = '1.3.1';
    const refused = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: changed,
    });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toMatch(/does not verify/);
    const garbage = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: { ...admin, 'content-type': 'application/json' },
      body: '{"manifest": ',
    });
    expect(garbage.status).toBe(400);
    const wrongShape = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: { manifest: {}, keyId: 'x' },
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.message).toMatch(/Not a signed release/);
  });

  it('a server without an update key publishes nothing and says why', async () => {
    const keyless = await startTestCentral();
    try {
      const refused = await call(keyless.url, RELEASE_ADMIN_PATHS.releases, {
        headers: admin,
        body: signed123,
      });
      expect(refused.status).toBe(403);
      expect(refused.json.message).toMatch(/--update-public-key/);
      const feed = await call(keyless.url, '/updates/stable/latest.yml');
      expect(feed.status).toBe(404);
    } finally {
      await keyless.stop();
    }
  });
});

describe('channels and the feed', () => {
  it('says clearly that a channel has no release yet', async () => {
    const answer = await call(central.url, '/updates/pilot/latest-mac.yml');
    expect(answer.status).toBe(404);
    expect(answer.json.message).toBe('No release is published on the pilot channel for macOS yet.');
  });

  it('serves each channel its version, with staging and minimum version, as electron-updater reads it', async () => {
    expect((await publish(central.url, 'stable', 'win', '1.2.3')).status).toBe(200);
    const pilot = await publish(central.url, 'pilot', 'win', '1.3.0', 25, '1.2.3');
    expect(pilot.status).toBe(200);
    expect(ChannelAssignment.parse(pilot.json)).toMatchObject({ rolloutPercent: 25 });

    const stable = await call(central.url, '/updates/stable/latest.yml');
    expect(stable.status).toBe(200);
    expect(stable.headers['content-type']).toMatch(/yaml/);
    const file123 = signed123.manifest.files[0]!;
    expect(yaml.load(stable.text)).toEqual({
      version: '1.2.3',
      files: [{ url: file123.name, sha512: file123.sha512, size: file123.size }],
      path: file123.name,
      sha512: file123.sha512,
      releaseDate: signed123.manifest.releaseDate,
      rolloutPercent: 100,
      minimumVersion: null,
      maintenanceWindows: [],
    });
    const pilotFeed = yaml.load((await call(central.url, '/updates/pilot/latest.yml')).text);
    expect(pilotFeed).toMatchObject({
      version: '1.3.0',
      rolloutPercent: 25,
      minimumVersion: '1.2.3',
    });
    const json = await call(central.url, '/updates/pilot/release-win.json');
    expect(SignedRelease.parse(json.json)).toEqual(signed130);
    // Each channel serves its own files, not the other's.
    expect((await download(central.url, `/updates/pilot/${file123.name}`)).status).toBe(404);
    const got = await download(central.url, `/updates/stable/${file123.name}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(await readFile(exe123))).toBe(true);
  });

  it('changes staging and minimum version without re-signing, within what makes sense', async () => {
    const settings = (body: object) =>
      call(central.url, RELEASE_ADMIN_PATHS.channelSettings, { headers: admin, body });
    const raised = await settings({ channel: 'pilot', platform: 'win', rolloutPercent: 60 });
    expect(raised.json).toMatchObject({ rolloutPercent: 60, minimumVersion: '1.2.3' });
    const cleared = await settings({ channel: 'pilot', platform: 'win', minimumVersion: null });
    expect(cleared.json).toMatchObject({ rolloutPercent: 60, minimumVersion: null });
    const tooHigh = await settings({ channel: 'stable', platform: 'win', minimumVersion: '2.0.0' });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.json.message).toMatch(/above the version this channel offers/);
    const nothing = await settings({ channel: 'stable', platform: 'linux', rolloutPercent: 5 });
    expect(nothing.status).toBe(404);
    const over = await settings({ channel: 'pilot', platform: 'win', rolloutPercent: 101 });
    expect(over.status).toBe(400);
    const windows = await settings({
      channel: 'pilot',
      platform: 'win',
      maintenanceWindows: ['Sun 02:00–04:00', 'Daily 03:00-03:30'],
    });
    expect(windows.json).toMatchObject({
      rolloutPercent: 60,
      maintenanceWindows: ['Sun 02:00–04:00', 'Daily 03:00-03:30'],
    });
    const badWindow = await settings({
      channel: 'pilot',
      platform: 'win',
      maintenanceWindows: ['Someday 02:00–04:00'],
    });
    expect(badWindow.status).toBe(400);
    expect(badWindow.json.message).toMatch(/is not a day/);
    expect(yaml.load((await call(central.url, '/updates/pilot/latest.yml')).text)).toMatchObject({
      rolloutPercent: 60,
      minimumVersion: null,
      maintenanceWindows: ['Sun 02:00–04:00', 'Daily 03:00-03:30'],
    });
    const replaced = await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: await kit.sign('1.2.3', 'win', [exe130]),
    });
    expect(replaced.status).toBe(409);
  });
});

describe('workstation update reports', () => {
  it('stores a report from an enrolled workstation and lists it beside the version it runs', async () => {
    const credential = await central.enrol('ws-icu-1', 'ICU bed 1');
    await central.enrol('ws-icu-2', 'ICU bed 2');
    const report = (body: UpdateReport | object, token = credential) =>
      call(central.url, UPDATE_REPORT_PATH, { headers: bearer(token), body });
    const ready: UpdateReport = {
      runningVersion: '1.2.3',
      platform: 'win',
      channel: 'pilot',
      state: 'ready',
      offeredVersion: '1.3.0',
      detail: null,
    };
    expect((await report({ ...ready, state: 'downloading' })).status).toBe(200);
    expect((await report(ready)).status).toBe(200);
    expect((await report(ready, 'not-a-credential-0123456789')).status).toBe(401);
    const bad = await report({ ...ready, state: 'exploded' });
    expect(bad.status).toBe(400);
    const extra = await report({ ...ready, shell: 'rm -rf /' });
    expect(extra.status).toBe(400);

    const list = WorkstationUpdateList.parse(
      (await call(central.url, RELEASE_ADMIN_PATHS.workstationUpdates, { headers: admin })).json,
    );
    const one = list.workstations.find((w) => w.id === 'ws-icu-1')!;
    expect(one.appVersion).toBe('1.2.3');
    expect(one.lastReport).toMatchObject({ state: 'ready', offeredVersion: '1.3.0' });
    expect(one.history.map((h) => h.state)).toEqual(['downloading']);
    const two = list.workstations.find((w) => w.id === 'ws-icu-2')!;
    expect(two).toMatchObject({ appVersion: '0.1.0', lastReport: null, history: [] });
    const anonymous = await call(central.url, RELEASE_ADMIN_PATHS.workstationUpdates);
    expect(anonymous.status).toBe(401);
  });

  it('keeps only the newest few reports of a workstation', async () => {
    const credential = await central.enrol('ws-chatty', 'Chatty');
    for (let i = 0; i < 15; i++) {
      await call(central.url, UPDATE_REPORT_PATH, {
        headers: bearer(credential),
        body: {
          runningVersion: `1.0.${i}`,
          platform: 'linux',
          channel: 'stable',
          state: 'current',
          offeredVersion: null,
          detail: null,
        },
      });
    }
    const { rows } = await central.server.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM workstation_update_reports WHERE workstation_id = 'ws-chatty'`,
    );
    expect(Number(rows[0]!.n)).toBe(10);
  });
});
