// The feed read from a server on loopback: electron-updater's file with our keys and keys no one
// knows, then every way it can fail: 404, garbage, not a feed, a path out of the folder, silence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from './feed-server-fixture';
import { fetchFeed, fetchSignedRelease, FeedError, parseFeed, type FeedSource } from './feed';

const SHA = `${'A'.repeat(86)}==`;
const LATEST_LINUX = `version: 3.2.0
files:
  - url: Clinical-Workstation-3.2.0.AppImage
    sha512: ${SHA}
    size: 123456
    blockMapSize: 1234
path: Clinical-Workstation-3.2.0.AppImage
sha512: ${SHA}
releaseDate: '2026-12-01T10:00:00.000Z'
rolloutPercent: 25
minimumVersion: 3.0.0
maintenanceWindows:
  - Sun 02:00–04:00
somethingNew: true
`;

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

function source(overrides: Partial<FeedSource> = {}): FeedSource {
  return {
    endpoint: { serverUrl: server.url, caPem: null },
    channel: 'stable',
    platform: 'linux',
    credential: 'cred-1',
    timeoutMs: 2_000,
    ...overrides,
  };
}

async function problemOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (error instanceof FeedError) return `${error.problem}: ${error.message}`;
    throw error;
  }
  return 'read';
}

describe('fetchFeed', () => {
  it('reads latest-linux.yml: the version, the file, our settings; unknown keys tolerated', async () => {
    server.put('stable', 'latest-linux.yml', LATEST_LINUX);
    const feed = await fetchFeed(source());
    expect(feed).toMatchObject({
      version: '3.2.0',
      channel: 'stable',
      rolloutPercent: 25,
      minimumVersion: '3.0.0',
      maintenanceWindows: ['Sun 02:00–04:00'],
      file: { name: 'Clinical-Workstation-3.2.0.AppImage', sha512: SHA, size: 123456 },
    });
    const asked = server.requests[0]!;
    expect(asked.path).toBe('/updates/stable/latest-linux.yml');
    expect(asked.headers.authorization).toBe('Bearer cred-1');
  });

  it("reads the channel's and platform's own file", async () => {
    server.put('pilot', 'latest.yml', LATEST_LINUX.replace('3.2.0', '3.3.0'));
    const feed = await fetchFeed(source({ channel: 'pilot', platform: 'win' }));
    expect(feed.version).toBe('3.3.0');
    expect(server.requests[0]!.path).toBe('/updates/pilot/latest.yml');
  });

  it('reads the feed as the central server writes it (quoted scalars, a flow sequence, encoded names)', () => {
    const text = [
      'version: "3.2.0"',
      'files:',
      '  - url: "Clinical%20Workstation-3.2.0.AppImage"',
      `    sha512: "${SHA}"`,
      '    size: 99',
      'path: "Clinical%20Workstation-3.2.0.AppImage"',
      `sha512: "${SHA}"`,
      'releaseDate: "2026-12-01T10:00:00.000Z"',
      'rolloutPercent: 100',
      'minimumVersion: null',
      'maintenanceWindows: ["Sun 02:00–04:00","Daily 03:00–03:30"]',
      '',
    ].join('\n');
    expect(parseFeed(text, 'stable', 'linux')).toMatchObject({
      version: '3.2.0',
      minimumVersion: null,
      maintenanceWindows: ['Sun 02:00–04:00', 'Daily 03:00–03:30'],
      file: { name: 'Clinical Workstation-3.2.0.AppImage', size: 99 },
    });
  });

  it('offers a plain electron-builder feed (no keys of ours) to every workstation', () => {
    const plain = LATEST_LINUX.split('\nrolloutPercent')[0]!;
    expect(parseFeed(plain, 'stable', 'linux')).toMatchObject({
      rolloutPercent: 100,
      minimumVersion: null,
      maintenanceWindows: [],
    });
  });

  it('says there is no release yet on a 404', async () => {
    expect(await problemOf(fetchFeed(source()))).toMatch(
      /^not-found: the central server has no latest-linux.yml on the stable channel/,
    );
  });

  it('says what is wrong with garbage, with what is not a feed, and with a path out of the folder', async () => {
    server.put('stable', 'latest-linux.yml', 'version: [\n  - : :');
    expect(await problemOf(fetchFeed(source()))).toMatch(/^garbage: latest-linux.yml is not YAML/);
    server.put('stable', 'latest-linux.yml', '<html>502 Bad Gateway</html>');
    expect(await problemOf(fetchFeed(source()))).toMatch(
      /^garbage: latest-linux.yml is not an update feed/,
    );
    server.put(
      'stable',
      'latest-linux.yml',
      LATEST_LINUX.replace('version: 3.2.0', 'version: 3.2'),
    );
    expect(await problemOf(fetchFeed(source()))).toMatch(/version/);
    server.put(
      'stable',
      'latest-linux.yml',
      LATEST_LINUX.replace('path: Clinical-Workstation-3.2.0.AppImage', 'path: ../../etc/passwd'),
    );
    expect(await problemOf(fetchFeed(source()))).toMatch(/only a file beside the feed/);
    server.put(
      'stable',
      'latest-linux.yml',
      LATEST_LINUX.replace('rolloutPercent: 25', 'rolloutPercent: 250'),
    );
    expect(await problemOf(fetchFeed(source()))).toMatch(/rolloutPercent/);
  });

  it('gives up on a server that never answers, and says so', async () => {
    server.silent.add('/updates/stable/latest-linux.yml');
    expect(await problemOf(fetchFeed(source({ timeoutMs: 300 })))).toMatch(
      /^timeout: .* did not answer within 0.3 s/,
    );
  });

  it('says the server cannot be reached when nothing listens', async () => {
    const url = server.url;
    await server.close();
    expect(
      await problemOf(fetchFeed(source({ endpoint: { serverUrl: url, caPem: null } }))),
    ).toMatch(/^unreachable: the central server .* cannot be reached/);
    server = await startFeedServer();
  });

  it('fetches the signed release beside the feed as text', async () => {
    server.put('stable', 'release-linux.json', '{"not":"checked here"}');
    expect(await fetchSignedRelease(source())).toBe('{"not":"checked here"}');
    expect(server.requests[0]!.path).toBe('/updates/stable/release-linux.json');
  });
});
