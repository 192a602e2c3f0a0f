// For tests: what `strings -a -n 4` finds in every file under a folder; the cipher of a store.
import { execFileSync } from 'node:child_process';
import { unlockDataKey, type StoreKeySource } from './data-key';
import { FieldCipher } from './field-cipher';

/** Each needle (any case) found by strings in any file under `folder`, with the file. */
export function stringsFind(folder: string, needles: readonly string[]): string[] {
  const out = execFileSync(
    'sh',
    ['-c', 'find "$1" -type f -exec strings -a -n 4 -f {} +', 'sh', folder],
    { maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const found: string[] = [];
  for (const line of out.split('\n')) {
    const lower = line.toLowerCase();
    for (const needle of needles) {
      if (lower.includes(needle.toLowerCase())) found.push(`${needle} in ${line.slice(0, 160)}`);
    }
  }
  return found;
}

/**
 * For tests that read a closed store's files with PGlite: the cipher that opens its sealed values
 * (the key file beside the store, opened as the workstation would: nothing is written).
 */
export function storeCipher(storeDir: string, source?: StoreKeySource): FieldCipher {
  return new FieldCipher(unlockDataKey(storeDir, source).dataKey);
}
