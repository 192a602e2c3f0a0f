// What the store acknowledged survives kill -9 at any moment, exactly once. A child process
// ingests samples, numerics and alarm-log entries at full rate and prints each acknowledgement;
// the test kills it with SIGKILL at random moments, ten times on the same data directory, then
// checks every acknowledged block and alarm-log entry is there once. The real PGlite on disk,
// the real journal, a real SIGKILL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../electron/host/store/client';

const CHILD = join(import.meta.dirname, '..', 'support', 'crash-ingest.ts');
const SAMPLES_PER_BLOCK = 50;
const RUNS = 10;
const T0 = 1_700_000_000_000;

/** Runs the child until it has acknowledged something, then kills it after a random delay. */
function ingestAndKill(dataDir: string, firstSeq: number, killAfterMs: number) {
  return new Promise<{ lastAck: number; output: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/raw-import.mjs',
        CHILD,
        dataDir,
        String(firstSeq),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let lastAck = firstSeq - 1;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of chunk.toString().matchAll(/ack (\d+)/g)) lastAck = Number(match[1]);
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL')
        reject(new Error(`the child ended by itself (${code}):\n${output}`));
      else resolve({ lastAck, output });
    });
  });
}

describe('the store after kill -9', () => {
  it(`keeps every acknowledged block exactly once across ${RUNS} kills at random moments`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-crash-'));
    const dataDir = join(dir, 'pgdata');
    const acknowledged: Array<[number, number]> = [];
    try {
      let next = 0;
      for (let run = 0; run < RUNS; run++) {
        const killAfterMs = 100 + Math.floor(Math.random() * 1400);
        const { lastAck } = await ingestAndKill(dataDir, next, killAfterMs);
        if (lastAck >= next) acknowledged.push([next, lastAck]);
        // The next run starts past anything the killed one may have written unacknowledged.
        next = Math.max(next, lastAck + 1) + 100_000;
      }
      expect(acknowledged.length).toBeGreaterThanOrEqual(RUNS - 1);

      const store = await openStore({ dataDir, workstationId: 'crash-test', onError: () => {} });
      try {
        const chunks = await store.readSamples({ deviceId: 'dev-1', channel: 'ECG' });
        const seen = new Map<number, number>();
        for (const chunk of chunks) {
          for (const value of chunk.values) {
            if (value % 1000 === 0) {
              const seq = value / 1000;
              seen.set(seq, (seen.get(seq) ?? 0) + 1);
            }
          }
        }
        const missing: number[] = [];
        const duplicated: number[] = [];
        for (const [from, to] of acknowledged) {
          for (let seq = from; seq <= to; seq++) {
            const times = seen.get(seq) ?? 0;
            if (times === 0) missing.push(seq);
            if (times > 1) duplicated.push(seq);
          }
        }
        expect({ missing: missing.slice(0, 10), duplicated: duplicated.slice(0, 10) }).toEqual({
          missing: [],
          duplicated: [],
        });
        // Blocks that arrived are whole: every sample of a stored block is there, in order.
        for (const chunk of chunks) {
          for (let i = 1; i < chunk.values.length; i++) {
            const previous = chunk.values[i - 1]!;
            const value = chunk.values[i]!;
            if (value % 1000 !== 0) expect(value).toBe(previous + 1);
          }
        }
        // The alarm log too: every acknowledged block with seq % 5 === 0 wrote one entry.
        const log = await store.readAlarmLog('bed-1', T0, T0 + 10_000_000);
        const entries = new Map<number, number>();
        for (const entry of log) entries.set(entry.value!, (entries.get(entry.value!) ?? 0) + 1);
        const lostEntries: number[] = [];
        const repeatedEntries: number[] = [];
        for (const [from, to] of acknowledged) {
          for (let seq = from; seq <= to; seq++) {
            if (seq % 5 !== 0) continue;
            const times = entries.get(seq) ?? 0;
            if (times === 0) lostEntries.push(seq);
            if (times > 1) repeatedEntries.push(seq);
          }
        }
        expect(log.length).toBeGreaterThan(0);
        expect({ lost: lostEntries.slice(0, 10), repeated: repeatedEntries.slice(0, 10) }).toEqual({
          lost: [],
          repeated: [],
        });
        const ackedBlocks = acknowledged.reduce((n, [from, to]) => n + to - from + 1, 0);
        expect((await store.counts()).samples).toBeGreaterThanOrEqual(
          ackedBlocks * SAMPLES_PER_BLOCK,
        );
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
