// The renderer's heap over a long watch: the central station with the 16-bed demo streaming
// (its default device mix, with its alarms), the JS heap measured after a forced GC every minute.
// `npm run bench:soak` (60 minutes; SOAK_MINUTES=N for another length); one JSON line per minute,
// then the growth from the first minute to the last.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../electron/host/demo';
import { startBrowserRig } from './browser-rig';
import { usedHeapMb } from './central';
import { report, round } from './stats';

const minutes = Number(process.env.SOAK_MINUTES ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'ws-bench-soak-'));
const demo = await startDemo(16);
const rig = await startBrowserRig(
  join(dir, 'data'),
  demo.beds.flatMap((bed) => bed.devices),
);
try {
  const page = await rig.browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(rig.shell.url);
  await page.locator('[data-bed-id] canvas').nth(15).waitFor();
  await page.waitForTimeout(10_000);
  const heap: number[] = [];
  for (let minute = 0; minute <= minutes; minute++) {
    if (minute > 0) await page.waitForTimeout(60_000);
    heap.push(await usedHeapMb(page));
    report({ bench: 'central.soak', minute, heapMb: round(heap.at(-1)!) });
  }
  report({
    bench: 'central.heap-1h',
    what: `renderer JS heap after GC, central station with 16 beds streaming for ${minutes} min`,
    unit: 'MB',
    startMb: round(heap[0]!),
    endMb: round(heap.at(-1)!),
    maxMb: round(Math.max(...heap)),
    growthMb: round(heap.at(-1)! - heap[0]!),
  });
} finally {
  await rig.close();
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
