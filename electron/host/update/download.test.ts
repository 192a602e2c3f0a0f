// Downloads from a server on loopback that cuts the body at 50 % (its socket destroyed), answers
// 200 to a range, changes the file under the ETag, or serves a tampered file; and a full disk.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseFile } from '../../../shared/update/release';
import { downloadReleaseFile, DownloadError, type DownloadRequest } from './download';
import { startFeedServer, type FeedServer } from './feed-server-fixture';
import { sha512Of } from './release-fixture';
import { ReleaseRefusedError } from './signature';

const NAME = 'Clinical-Workstation-3.2.0.AppImage';
const SIZE = 2 * 1024 * 1024;
let server: FeedServer;
let folder: string;
let contents: Buffer;

beforeEach(async () => {
  server = await startFeedServer();
  folder = join(mkdtempSync(join(tmpdir(), 'update-download-')), 'updates');
  contents = randomBytes(SIZE);
  server.put('stable', NAME, contents);
});
afterEach(async () => {
  await server.close();
  rmSync(join(folder, '..'), { recursive: true, force: true });
});

function signed(bytes: Buffer = contents): ReleaseFile {
  return { name: NAME, sha512: sha512Of(bytes), size: bytes.byteLength };
}

function request(overrides: Partial<DownloadRequest> = {}): DownloadRequest {
  return {
    endpoint: { serverUrl: server.url, caPem: null },
    path: `/updates/stable/${NAME}`,
    credential: 'cred-1',
    folder,
    file: signed(),
    version: '3.2.0',
    keepFreeBytes: 0,
    ...overrides,
  };
}

async function failure(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not fail');
}

const fileGets = () => server.requests.filter((r) => r.path.endsWith(NAME));

describe('downloadReleaseFile', () => {
  it('downloads the whole file, checks its sha512, and names it only then', async () => {
    const progress: number[] = [];
    const result = await downloadReleaseFile(
      request({ onProgress: (received) => progress.push(received) }),
    );
    expect(result).toEqual({ path: join(folder, NAME), resumedFromBytes: 0, receivedBytes: SIZE });
    expect(readFileSync(result.path).equals(contents)).toBe(true);
    expect(progress.at(-1)).toBe(SIZE);
    expect(readdirSync(folder)).toEqual([NAME]);
    expect(fileGets()[0]!.headers.authorization).toBe('Bearer cred-1');
    expect((statSync(result.path).mode & 0o777).toString(8)).toBe('600');
  });

  it('resumes a download cut at 50 %: only the remaining bytes are asked for, and the sha512 matches', async () => {
    server.cutNext.set(`stable/${NAME}`, 0.5);
    const cut = await failure(downloadReleaseFile(request()));
    expect(cut).toBeInstanceOf(DownloadError);
    expect((cut as DownloadError).problem).toBe('cut');
    expect(cut.message).toMatch(/cut at \d+ %.*resumes next time/);
    expect(existsSync(join(folder, NAME))).toBe(false); // nothing with the final name
    const kept = statSync(join(folder, `${NAME}.partial`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(SIZE / 2);

    const result = await downloadReleaseFile(request());
    const [first, second] = fileGets();
    expect(first!.headers.range).toBeUndefined();
    expect(second!.headers.range).toBe(`bytes=${kept}-`);
    expect(second!.headers['if-range']).toMatch(/^"[0-9a-f]{16}"$/);
    expect(second!.status).toBe(206);
    expect(second!.bodyBytes).toBe(SIZE - kept);
    expect(result.resumedFromBytes).toBe(kept);
    expect(result.receivedBytes).toBe(SIZE - kept);
    expect(readFileSync(result.path).equals(contents)).toBe(true);
    expect(readdirSync(folder)).toEqual([NAME]);
  });

  it('starts over cleanly when the server answers 200 to the range', async () => {
    server.cutNext.set(`stable/${NAME}`, 0.5);
    await failure(downloadReleaseFile(request()));
    server.ignoreRanges = true;
    const result = await downloadReleaseFile(request());
    expect(fileGets()[1]!.status).toBe(200);
    expect(result.resumedFromBytes).toBe(0);
    expect(result.receivedBytes).toBe(SIZE);
    expect(readFileSync(result.path).equals(contents)).toBe(true);
  });

  it('starts over when the file changed on the server (its ETag), and takes the new one signed', async () => {
    server.cutNext.set(`stable/${NAME}`, 0.5);
    await failure(downloadReleaseFile(request()));
    const republished = randomBytes(SIZE);
    server.put('stable', NAME, republished);
    const result = await downloadReleaseFile(request({ file: signed(republished) }));
    expect(result.resumedFromBytes).toBe(0);
    expect(readFileSync(result.path).equals(republished)).toBe(true);
  });

  it('refuses a file that does not match its signed sha512, and keeps nothing of it', async () => {
    const tampered = Buffer.from(contents);
    tampered[SIZE - 1] = tampered[SIZE - 1]! ^ 0xff;
    server.put('stable', NAME, tampered);
    const error = await failure(downloadReleaseFile(request()));
    expect(error).toBeInstanceOf(ReleaseRefusedError);
    expect(error.message).toContain('does not match its signed sha512');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses a file longer than signed as soon as it is', async () => {
    server.put('stable', NAME, Buffer.concat([contents, Buffer.alloc(10)]));
    const error = await failure(downloadReleaseFile(request()));
    expect((error as ReleaseRefusedError).reason).toBe('file-mismatch');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('says the disk is too full before downloading, and removes a partial download', async () => {
    server.cutNext.set(`stable/${NAME}`, 0.5);
    await failure(downloadReleaseFile(request()));
    const error = await failure(
      downloadReleaseFile(
        request({ freeBytes: () => 300 * 1024 * 1024, keepFreeBytes: 299 * 1024 * 1024 }),
      ),
    );
    expect((error as DownloadError).problem).toBe('disk-full');
    expect(error.message).toMatch(/not enough free disk for update 3.2.0.*Nothing was installed/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('says the file is not on the server, and keeps an already downloaded file that still matches', async () => {
    const missing = await failure(downloadReleaseFile(request({ path: '/updates/stable/nope' })));
    expect(missing.message).toContain('is not on the central server (404)');
    await downloadReleaseFile(request());
    const again = await downloadReleaseFile(request());
    expect(again.receivedBytes).toBe(0);
    expect(fileGets().filter((r) => r.path.endsWith(NAME))).toHaveLength(1);
  });
});
