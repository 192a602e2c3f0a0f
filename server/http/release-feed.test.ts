// Downloading a release file from the feed (real PostgreSQL, real HTTP): ranges, If-Range, a
// download cut at 50 % resumed rather than restarted with its sha512 right, two instances serving
// the same bytes, and hostile requests (bad path parts, bodies too large, garbage) refused in
// words while the server goes on serving.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedRelease } from '../../shared/update/release';
import { RELEASE_ADMIN_PATHS } from '../../shared/update/release-admin';
import { CHUNK_BYTES } from '../releases/release-file-store';
import { ADMIN_TOKEN, startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import { bearer, call } from '../test-support/http-client';
import { download, publish, releaseKit, uploadRelease } from '../test-support/releases';
import type { ReleaseKit } from '../test-support/releases';

const admin = bearer(ADMIN_TOKEN);
const MAX_FILE_BYTES = 4 * CHUNK_BYTES;
const NAME = 'clinical-workstation-2.0.0.AppImage';
const FILE = `/updates/stable/${NAME}`;

let kit: ReleaseKit;
let central: TestCentral;
let bytes: Buffer;
let signed: SignedRelease;
let etag: string;

let cacheDir: string;

beforeAll(async () => {
  kit = await releaseKit();
  cacheDir = join(kit.dir, 'cache');
  central = await startTestCentral({
    releases: { trustedKeys: kit.trustedKeys, maxFileBytes: MAX_FILE_BYTES, cacheDir },
  });
  // Not a whole number of pieces, so that ranges cross the pieces' edges.
  const path = await kit.file(NAME, 2 * CHUNK_BYTES + 12_345);
  bytes = await readFile(path);
  signed = await kit.sign('2.0.0', 'linux', [path]);
  await uploadRelease(central.url, signed, [path]);
  expect((await publish(central.url, 'stable', 'linux', '2.0.0')).status).toBe(200);
  etag = `"${signed.manifest.files[0]!.sha512}"`;
});
afterAll(async () => {
  await central?.stop();
  await kit?.remove();
});

const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64');

describe('downloading a release file', () => {
  it('serves the whole file with its length, ETag and Accept-Ranges', async () => {
    const got = await download(central.url, FILE);
    expect(got.status).toBe(200);
    expect(got.headers['accept-ranges']).toBe('bytes');
    expect(got.headers.etag).toBe(etag);
    expect(Number(got.headers['content-length'])).toBe(bytes.byteLength);
    expect(sha512(got.body)).toBe(signed.manifest.files[0]!.sha512);
  });

  it('serves one range as 206 across the pieces, and refuses one outside the file with 416', async () => {
    const start = CHUNK_BYTES - 10;
    const end = 2 * CHUNK_BYTES + 9;
    const part = await download(central.url, FILE, { range: `bytes=${start}-${end}` });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${bytes.byteLength}`);
    expect(part.body.equals(bytes.subarray(start, end + 1))).toBe(true);
    const tail = await download(central.url, FILE, { range: 'bytes=-100' });
    expect(tail.body.equals(bytes.subarray(-100))).toBe(true);

    const outside = await download(central.url, FILE, { range: `bytes=${bytes.byteLength}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${bytes.byteLength}`);
    expect(JSON.parse(outside.body.toString()).message).toMatch(/not within/);
    expect((await download(central.url, FILE, { range: 'bytes=abc' })).status).toBe(416);
  });

  it('honours If-Range: the same version resumes, another gets the whole file', async () => {
    const same = await download(central.url, FILE, { range: 'bytes=100-', 'if-range': etag });
    expect(same.status).toBe(206);
    const other = await download(central.url, FILE, { range: 'bytes=100-', 'if-range': '"old"' });
    expect(other.status).toBe(200);
    expect(other.body.byteLength).toBe(bytes.byteLength);
    const cached = await download(central.url, FILE, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
  });

  it('resumes a download cut at 50 % from where it stopped, and the sha512 is right', async () => {
    const half = Math.floor(bytes.byteLength / 2);
    const cut = await download(central.url, FILE, {}, half);
    expect(cut.body.byteLength).toBe(half);
    const rest = await download(central.url, FILE, {
      range: `bytes=${half}-`,
      'if-range': cut.headers.etag as string,
    });
    expect(rest.status).toBe(206);
    expect(rest.body.byteLength).toBe(bytes.byteLength - half);
    expect(sha512(Buffer.concat([cut.body, rest.body]))).toBe(signed.manifest.files[0]!.sha512);
  });

  it('serves the same bytes from a second instance on the same database, straight from the pieces when it keeps no copy', async () => {
    const second = await startTestCentral(
      { releases: { trustedKeys: kit.trustedKeys, cacheDir: null } },
      central.database,
    );
    try {
      const got = await download(second.url, FILE, { range: 'bytes=5000-5999' });
      expect(got.body.equals(bytes.subarray(5000, 6000))).toBe(true);
      const start = CHUNK_BYTES - 10;
      const end = 2 * CHUNK_BYTES + 9;
      const part = await download(second.url, FILE, { range: `bytes=${start}-${end}` });
      expect(part.status).toBe(206);
      expect(part.body.equals(bytes.subarray(start, end + 1))).toBe(true);
      expect(sha512((await download(second.url, FILE)).body)).toBe(sha512(bytes));
    } finally {
      await second.server.close();
    }
  });

  it('keeps one checked copy, owner-only, named by its sha512, and replaces a damaged one', async () => {
    const name = Buffer.from(signed.manifest.files[0]!.sha512, 'base64').toString('hex');
    const copy = join(cacheDir, name);
    expect((await download(central.url, FILE)).status).toBe(200);
    expect((await stat(copy)).size).toBe(bytes.byteLength);
    expect((await stat(copy)).mode & 0o077).toBe(0);
    expect((await stat(cacheDir)).mode & 0o077).toBe(0);
    await writeFile(copy, bytes.subarray(0, 1000)); // cut short on disk
    const again = await download(central.url, FILE);
    expect(sha512(again.body)).toBe(sha512(bytes));
    expect((await stat(copy)).size).toBe(bytes.byteLength);
  });
});

/** A PUT sent in pieces without a Content-Length, as long as `total`. */
function streamedPut(url: string, path: string, total: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      new URL(path, url),
      { method: 'PUT', headers: { ...admin, 'transfer-encoding': 'chunked' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', (error) => resolve({ status: -1, text: String(error) }));
    let sent = 0;
    const piece = Buffer.alloc(256 * 1024, 1);
    const more = () => {
      while (sent < total) {
        sent += piece.byteLength;
        if (!req.write(piece)) return void req.once('drain', more);
      }
      req.end();
    };
    more();
    setTimeout(() => reject(new Error('no answer')), 60_000).unref();
  });
}

describe('hostile requests', () => {
  it('refuses bad path parts in words', async () => {
    const cases: [string, number][] = [
      ['/updates/beta/latest.yml', 404],
      ['/updates/stable/..%2F..%2Fetc%2Fpasswd', 400],
      ['/updates/stable/%E0%A4%A', 400],
      ['/updates/stable/.hidden', 400],
      ['/updates/stable/a/b', 404],
      ['/updates/%00/latest.yml', 404],
      ['/updates/stable/nothing-here.exe', 404],
      [`/updates/stable/${'x'.repeat(300)}`, 400],
    ];
    for (const [path, status] of cases) {
      const answer = await call(central.url, path);
      expect(answer.status, path).toBe(status);
      expect(typeof answer.json?.message, path).toBe('string');
    }
    const badPlatform = await call(central.url, '/api/admin/releases/dos/1.0.0/files/a.exe', {
      method: 'PUT',
      headers: admin,
      body: 'x',
    });
    expect(badPlatform.status).toBe(400);
    const badVersion = await call(central.url, '/api/admin/releases/linux/1.0/files/a.exe', {
      method: 'PUT',
      headers: admin,
      body: 'x',
    });
    expect(badVersion.status).toBe(400);
  });

  it('refuses a file larger than the limit before storing it, and one longer than signed as it streams', async () => {
    const big = await kit.file('big.AppImage', MAX_FILE_BYTES + 1);
    const bigSigned = await kit.sign('2.1.0', 'linux', [big]);
    await call(central.url, RELEASE_ADMIN_PATHS.releases, { headers: admin, body: bigSigned });
    const declared = await call(
      central.url,
      RELEASE_ADMIN_PATHS.file('linux', '2.1.0', 'big.AppImage'),
      {
        method: 'PUT',
        headers: admin,
        body: await readFile(big),
      },
    );
    expect(declared.status).toBe(413);

    const small = await kit.file('small.AppImage', 1000);
    await call(central.url, RELEASE_ADMIN_PATHS.releases, {
      headers: admin,
      body: await kit.sign('2.2.0', 'linux', [small]),
    });
    const streamed = await streamedPut(
      central.url,
      RELEASE_ADMIN_PATHS.file('linux', '2.2.0', 'small.AppImage'),
      3 * CHUNK_BYTES,
    );
    // Answered 413 as soon as it passed the signed size, before the rest arrived.
    expect(streamed.status).toBe(413);
    expect(streamed.text).toMatch(/larger than the 1000 bytes/);
    const { rows } = await central.server.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM release_file_chunks c
       WHERE NOT EXISTS (SELECT 1 FROM release_files f WHERE f.upload_id = c.upload_id)`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('refuses garbage JSON and oversized JSON, and goes on serving', async () => {
    for (const path of [RELEASE_ADMIN_PATHS.releases, RELEASE_ADMIN_PATHS.publish]) {
      const garbage = await call(central.url, path, {
        headers: { ...admin, 'content-type': 'application/json' },
        body: '\u0000not json',
      });
      expect(garbage.status, path).toBe(400);
      const huge = await call(central.url, path, {
        headers: { ...admin, 'content-type': 'application/json' },
        body: `"${'a'.repeat(200_000)}"`,
      });
      expect(huge.status, path).toBe(413);
    }
    const notJson = await call(central.url, RELEASE_ADMIN_PATHS.publish, {
      headers: admin,
      body: 'channel=stable',
    });
    expect(notJson.status).toBe(400);
    const unknownVersion = await publish(central.url, 'stable', 'linux', '9.9.9');
    expect(unknownVersion.status).toBe(404);
    const feed = await call(central.url, '/updates/stable/latest-linux.yml');
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('version: "2.0.0"');
  });
});
