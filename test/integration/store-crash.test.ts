// What the store acknowledged survives kill -9 at any moment, exactly once. A child process
// ingests samples, numerics and alarm-log entries at full rate and prints each acknowledgement;
// it is killed with SIGKILL at random moments, and at the moments that matter most: inside each
// phase of a checkpoint (the store announces them, checkpoints every 200 ms) and while the
// journal is being cleared, also during the checkpoint that opening makes after a replay, and
// inside the packing of live chunks into minute rows that precedes each checkpoint; all on
// the same data directory. Then every acknowledged block and alarm-log entry must be there once,
// and the store must open without a word of damage. The real PGlite on disk, the real journal, a
// real SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../electron/host/store/client';

const CHILD = join(import.meta.dirname, '..', 'support', 'crash-ingest.ts');
const SAMPLES_PER_BLOCK = 50;
const T0 = 1_700_000_000_000;

/**
 * Each run: a random kill (ms after the first acknowledgement), or a checkpoint phase the child
 * kills itself at, right there (0) or a few ms into what follows (the CHECKPOINT, the fsyncs).
 */
type Kill = { randomMs: number } | { phase: string; delayMs: number };
const KILLS: Kill[] = [
  { randomMs: 100 + Math.floor(Math.random() * 1400) },
  { phase: 'starting', delayMs: 0 },
  { phase: 'database-checkpoint', delayMs: 0 },
  { phase: 'database-checkpoint', delayMs: 1 + Math.floor(Math.random() * 20) },
  { phase: 'making-durable', delayMs: 0 },
  { phase: 'making-durable', delayMs: 1 + Math.floor(Math.random() * 20) },
  { phase: 'clearing-journal', delayMs: 0 },
  { phase: 'open:database-checkpoint', delayMs: 0 },
  { phase: 'sealing', delayMs: 0 },
  { phase: 'open:clearing-journal', delayMs: 0 },
  // Inside the transaction that packs staged chunks into minute rows (its data lie years back,
  // so every tick packs); a kill at 'starting' lands just after such a commit, the journal whole.
  { phase: 'packing', delayMs: 0 },
  { randomMs: 100 + Math.floor(Math.random() * 1400) },
];
const RUNS = KILLS.length;

/** Runs the child until it has acknowledged something, then it is killed as `kill` says. */
function ingestAndKill(dataDir: string, firstSeq: number, kill: Kill) {
  return new Promise<{ lastAck: number; output: string; killedAtPhase: boolean }>(
    (resolve, reject) => {
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
          ...('phase' in kill ? [kill.phase, String(kill.delayMs)] : []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      let lastAck = firstSeq - 1;
      let timer: NodeJS.Timeout | null = null;
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const match of chunk.toString().matchAll(/ack (\d+)/g)) lastAck = Number(match[1]);
        // A child that never reaches its phase is killed anyway, and the run says so below.
        timer ??= setTimeout(() => child.kill('SIGKILL'), 'phase' in kill ? 30_000 : kill.randomMs);
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (signal !== 'SIGKILL')
          reject(new Error(`the child ended by itself (${code}):\n${output}`));
        else {
          const kills = existsSync(`${dataDir}.kills`)
            ? readFileSync(`${dataDir}.kills`, 'utf8')
            : '';
          rmSync(`${dataDir}.kills`, { force: true });
          resolve({ lastAck, output, killedAtPhase: kills.includes('killed at') });
        }
      });
    },
  );
}

describe('the store after kill -9', () => {
  it(`keeps every acknowledged block exactly once across ${RUNS} kills, in checkpoints too`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-crash-'));
    const dataDir = join(dir, 'pgdata');
    const acknowledged: Array<[number, number]> = [];
    const missedPhases: string[] = [];
    try {
      let next = 0;
      for (const kill of KILLS) {
        const { lastAck, killedAtPhase, output } = await ingestAndKill(dataDir, next, kill);
        if ('phase' in kill && !killedAtPhase) {
          missedPhases.push(
            `${kill.phase}: ${output
              .split('\n')
              .filter((l) => !l.startsWith('ack'))
              .join(' | ')
              .slice(-600)}`,
          );
        }
        if (lastAck >= next) acknowledged.push([next, lastAck]);
        // The next run starts past anything the killed one may have written unacknowledged.
        next = Math.max(next, lastAck + 1) + 100_000;
      }
      // Every aimed kill landed in its phase: the checkpoints really were interrupted there.
      expect(missedPhases).toEqual([]);
      // Kills at opening come before any acknowledgement; every other run acknowledged something.
      const atOpen = KILLS.filter((kill) => 'phase' in kill && kill.phase.startsWith('open:'));
      expect(acknowledged.length).toBeGreaterThanOrEqual(RUNS - atOpen.length - 1);

      const problems: string[] = [];
      const store = await openStore({
        dataDir,
        workstationId: 'crash-test',
        onError: (error) => problems.push(error.message),
      });
      try {
        // Nothing taken for damage: the seal, the pages and the journal all agree.
        expect(store.notices).toEqual([]);
        expect(store.health.recording).toBe('ok');
        expect(problems).toEqual([]);
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
  }, 600_000);
});
