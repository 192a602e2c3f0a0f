// `workstation store rotate-key`: the data key's wrapping changed to a passphrase and back to the
// folder's key file, the key itself the same; a wrong or missing passphrase is refused, changing
// nothing. Only the key file is needed (no store is opened), so this is quick.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlockDataKey, writeKeyFiles } from '../../host/store/encryption/data-key';
import { CliError } from '../cli-error';
import { runStore } from './store';

let dataDir: string;
let storeDir: string;
let dataKey: Uint8Array;
const PHRASE = 'a long enough passphrase';

const lines = (...text: string[]) => ({ input: Readable.from([text.join('\n') + '\n']) });

async function run(args: string[], input: string[] = []): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runStore(['rotate-key', '--data', dataDir, ...args], {
    ...lines(...input),
    out: (line) => out.push(line),
  });
  return { code, out };
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ws-rotate-'));
  storeDir = join(dataDir, 'pgdata');
  const made = unlockDataKey(storeDir);
  writeKeyFiles(made);
  dataKey = made.dataKey;
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('workstation store rotate-key', () => {
  it('wraps the same key under a new passphrase', async () => {
    const { code, out } = await run(['--to', 'passphrase'], [PHRASE]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/now wrapped by the new passphrase.*--passphrase-stdin/);
    expect(JSON.parse(readFileSync(`${storeDir}.key`, 'utf8'))).toMatchObject({
      wrappedBy: 'passphrase',
    });
    expect(unlockDataKey(storeDir, { passphrase: PHRASE }).dataKey).toEqual(dataKey);
  });

  it('refuses without the passphrase, or with a wrong one, changing nothing', async () => {
    const before = readFileSync(`${storeDir}.key`, 'utf8');
    await expect(run(['--to', 'key-file'])).rejects.toThrow(/protected by a passphrase/);
    const wrong = run(['--to', 'key-file', '--passphrase-stdin'], ['not it at all']);
    await expect(wrong).rejects.toBeInstanceOf(CliError);
    await expect(
      run(['--to', 'key-file', '--passphrase-stdin'], ['not it at all']),
    ).rejects.toThrow(`The passphrase does not open the data store in ${dataDir}`);
    await expect(
      run(['--to', 'passphrase', '--passphrase-stdin'], [PHRASE, 'short']),
    ).rejects.toThrow(/at least 8 characters/);
    expect(readFileSync(`${storeDir}.key`, 'utf8')).toBe(before);
  });

  it('wraps it back under the key file', async () => {
    const { code, out } = await run(['--to', 'key-file', '--passphrase-stdin'], [PHRASE]);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain(join(dataDir, 'credential.key'));
    expect(unlockDataKey(storeDir).dataKey).toEqual(dataKey);
  });

  it('names what is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ws-rotate-empty-'));
    try {
      await expect(
        runStore(['rotate-key', '--to', 'key-file', '--data', empty], lines()),
      ).rejects.toThrow(`There is no data store key in ${empty}`);
      await expect(runStore(['rotate-key', '--data', empty], lines())).rejects.toThrow(
        /--to passphrase\|key-file/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the data key file and the desktop app’s OS keystore', () => {
  /** Stands for Electron's safeStorage: reversible, but only "on this computer". */
  const osKeystore = {
    kind: 'os' as const,
    encrypt: (plain: string) => Buffer.from(`os:${plain}`).toString('base64'),
    decrypt: (sealed: string) => {
      const text = Buffer.from(sealed, 'base64').toString('utf8');
      if (!text.startsWith('os:')) throw new Error('not sealed by this keystore');
      return text.slice(3);
    },
  };

  it('still opens a key wrapped by the key file once the OS keystore is there', () => {
    expect(unlockDataKey(storeDir, { keystore: osKeystore }).dataKey).toEqual(dataKey);
  });

  it('sends the browser shell to the desktop app for a key the OS keystore wraps', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ws-os-key-'));
    try {
      const made = unlockDataKey(join(folder, 'pgdata'), { keystore: osKeystore });
      writeKeyFiles(made);
      expect(unlockDataKey(join(folder, 'pgdata'), { keystore: osKeystore }).dataKey).toEqual(
        made.dataKey,
      );
      expect(() => unlockDataKey(join(folder, 'pgdata'))).toThrow(
        `The key of the data store in ${folder} is kept by the desktop app’s OS keystore`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
