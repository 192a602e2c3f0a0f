// A child process for the crash test: ingests into the store at full rate and prints what the
// store acknowledged. `ack N` means every block with a sequence number ≤ N has been flushed (and
// so journaled), and so has every alarm-log entry written with those blocks: it must survive this process being killed at any moment.
// Usage: node --import tsx crash-ingest.ts DATA_DIR FIRST_SEQ [PHASE [DELAY_MS]]
// With PHASE, checkpoints run every 200 ms and the child kills itself with SIGKILL at the first
// checkpoint phase of that name once something was acknowledged (`open:PHASE`: at the checkpoint
// that opening makes after replaying the journal), DELAY_MS after the worker reached it (0: while
// the worker waits right there), and says so in DATA_DIR.kills.
import { appendFileSync } from 'node:fs';
import { openStore, type CheckpointPhase } from '../../electron/host/store/client';

const [dataDir, firstArg, phaseArg, delayArg] = process.argv.slice(2);
const first = Number(firstArg);
const atOpen = phaseArg?.startsWith('open:') ?? false;
const killPhase = phaseArg?.replace(/^open:/, '') as CheckpointPhase | undefined;
const killDelayMs = Number(delayArg ?? 0);
let opened = false;
let acknowledged = false;

/** Said in a file, not on stdout: a pipe the parent is slow to read could hold it back. */
function killMyself(): void {
  appendFileSync(`${dataDir}.kills`, `killed at ${phaseArg}\n`);
  process.kill(process.pid, 'SIGKILL');
}

function onCheckpointPhase(phase: CheckpointPhase): void {
  if (phase !== killPhase || (atOpen ? opened : !acknowledged)) return;
  if (killDelayMs === 0) killMyself();
  else setTimeout(killMyself, killDelayMs);
}
export const SAMPLES_PER_BLOCK = 50;
const RATE_HZ = 500;
const T0 = 1_700_000_000_000;

/** Block `seq`: its values say which block and which sample they are. */
export function blockValues(seq: number): number[] {
  return Array.from({ length: SAMPLES_PER_BLOCK }, (_, i) => seq * 1000 + i);
}

async function main(): Promise<void> {
  const store = await openStore({
    dataDir: dataDir!,
    workstationId: 'crash-test',
    onError: (error) => console.error(`store error: ${error.message}`),
    ...(killPhase ? { checkpointEveryMs: 200, onCheckpointPhase } : {}),
  });
  opened = true;
  console.log(`open ${store.notices.length}`);
  for (let seq = first; ; seq++) {
    store.appendSamples({
      bedId: 'bed-1',
      deviceId: 'dev-1',
      channel: 'ECG',
      rateHz: RATE_HZ,
      // Blocks are contiguous in time, so the store merges them into chunks as in real use.
      t0: T0 + (seq * SAMPLES_PER_BLOCK * 1000) / RATE_HZ,
      values: blockValues(seq),
    });
    store.appendNumeric({
      bedId: 'bed-1',
      deviceId: 'dev-1',
      refId: 'MDC_ECG_HEART_RATE',
      value: seq,
      unit: '/min',
      at: T0 + seq,
    });
    // Every fifth block also changes an alarm's state, as a live bed does: the alarm log takes
    // the same journal path as samples and must survive the same kill.
    if (seq % 5 === 0) {
      store.appendAlarmEvent({
        bedId: 'bed-1',
        alarmId: `alarm-${seq}`,
        event: 'raised',
        kind: 'physiological',
        priority: 'high',
        code: 'MDC_EVT_HI',
        message: `HR ${seq} high`,
        value: seq,
        limit: 120,
        actor: 'workstation',
        at: T0 + seq,
        reason: null,
        origin: 'workstation',
      });
    }
    if (seq % 20 === 19) {
      await store.flush();
      console.log(`ack ${seq}`);
      acknowledged = true;
    }
  }
}

void main();
