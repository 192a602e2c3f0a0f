import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateStoreWorker } from './worker-script';

describe('locateStoreWorker', () => {
  let outMain: string;
  beforeEach(() => {
    outMain = join(mkdtempSync(join(tmpdir(), 'ws-out-')), 'out', 'main');
    mkdirSync(join(outMain, 'chunks', 'nested'), { recursive: true });
  });
  afterEach(() => rmSync(join(outMain, '..', '..'), { recursive: true, force: true }));

  const urlOf = (...parts: string[]) => pathToFileURL(join(outMain, ...parts)).href;

  it('starts worker.ts through the tsx bootstrap when running from TS source', () => {
    const script = locateStoreWorker(pathToFileURL('/repo/electron/host/store/client.ts').href);
    expect(script).toEqual({
      path: '/repo/electron/host/store/worker-from-source.mjs',
      execArgv: [],
    });
  });

  it('finds store-worker.js beside a bundled entry or up to two folders above a chunk', () => {
    writeFileSync(join(outMain, 'store-worker.js'), '');
    const expected = { path: join(outMain, 'store-worker.js'), execArgv: [] };
    expect(locateStoreWorker(urlOf('cli.js'))).toEqual(expected);
    expect(locateStoreWorker(urlOf('chunks', 'store-abc.js'))).toEqual(expected);
    expect(locateStoreWorker(urlOf('chunks', 'nested', 'store-abc.js'))).toEqual(expected);
  });

  it('says what to do when the bundled worker is missing', () => {
    expect(() => locateStoreWorker(urlOf('index.js'))).toThrow(
      /store-worker\.js .*Rebuild the app/,
    );
  });
});
