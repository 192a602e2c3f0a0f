// What the check for damaged pages costs at open (store-seal.ts): a 1 GiB relation file made of
// a real store's pages, read page by page as after a crash. From the page cache, and (as root,
// with BENCH_DROP_CACHES=1, which empties the whole machine's page cache) from the disk.
// npx tsx --import ./test/support/raw-import.mjs test/bench/store-open-check.ts
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { pageProblem } from '../../electron/host/store/store-seal';
import { freshStoreDir } from '../../electron/host/store/store-template.test-support';

const GIB = 1024 ** 3;
const { dataDir, folder } = await freshStoreDir('ws-bench-open-check-');
try {
  // The largest table of a migrated store: heap pages as PostgreSQL wrote them.
  let source = '';
  for (const db of readdirSync(join(dataDir, 'base'))) {
    for (const name of readdirSync(join(dataDir, 'base', db))) {
      const path = join(dataDir, 'base', db, name);
      if (/^\d+$/.test(name) && statSync(path).size > (source ? statSync(source).size : 0)) {
        source = path;
      }
    }
  }
  const pages = readFileSync(source);
  const file = join(folder, 'relation');
  const fd = openSync(file, 'w');
  for (let written = 0; written < GIB; written += pages.length) writeSync(fd, pages);
  fsyncSync(fd); // dirty pages would stay cached when the cache is dropped
  closeSync(fd);
  const seconds = () => {
    const startedAt = performance.now();
    const problem = pageProblem(file);
    if (problem !== null) throw new Error(`a real page was refused: ${problem}`);
    return (performance.now() - startedAt) / 1000;
  };
  const warm = [seconds(), seconds(), seconds()].sort((a, b) => a - b);
  let cold: number | null = null;
  if (process.env.BENCH_DROP_CACHES === '1') {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    cold = seconds();
  }
  console.log(
    JSON.stringify({
      bench: 'store.open-check',
      what: 'page headers of a 1 GiB relation file checked at open (files written since the seal)',
      unit: 's/GiB',
      median: Number(warm[1]!.toFixed(2)),
      runs: warm.map((s) => Number(s.toFixed(2))),
      cold: cold === null ? null : Number(cold.toFixed(2)),
    }),
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
