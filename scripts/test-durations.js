#!/usr/bin/env node
// Keeps the times of the last full `npm test` in test/support/test-durations.json, which orders
// the next run's files slowest first (test/support/test-order.ts): vitest's own cache of file
// times (node_modules/.vite/vitest/*/results.json) and the Playwright JSON report
// (test-results/e2e-durations.json). Run it after a full `npm test`; it changes nothing when
// either is missing, and says so.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test', 'support', 'test-durations.json');

function vitestSeconds() {
  const cacheRoot = join(root, 'node_modules', '.vite', 'vitest');
  if (!existsSync(cacheRoot)) return null;
  const seconds = {};
  for (const dir of readdirSync(cacheRoot)) {
    const file = join(cacheRoot, dir, 'results.json');
    if (!existsSync(file)) continue;
    for (const [key, result] of JSON.parse(readFileSync(file, 'utf8')).results) {
      const path = key.replace(/^[^:]*:/, '');
      if (result && typeof result.duration === 'number')
        seconds[path] = Math.round(result.duration / 100) / 10;
    }
  }
  return Object.keys(seconds).length ? seconds : null;
}

function playwrightSeconds() {
  const report = join(root, 'test-results', 'e2e-durations.json');
  if (!existsSync(report)) return null;
  const seconds = {};
  const visit = (suite, file) => {
    const path = suite.file ?? file;
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? [])
        for (const result of test.results ?? [])
          seconds[`test/e2e/${path}`] = (seconds[`test/e2e/${path}`] ?? 0) + result.duration / 1000;
    for (const child of suite.suites ?? []) visit(child, path);
  };
  for (const suite of JSON.parse(readFileSync(report, 'utf8')).suites ?? []) visit(suite);
  for (const path of Object.keys(seconds)) seconds[path] = Math.round(seconds[path] * 10) / 10;
  return Object.keys(seconds).length ? seconds : null;
}

// Files since removed (or another checkout's) are left out.
const sortedBySlowest = (seconds) =>
  Object.fromEntries(
    Object.entries(seconds)
      .filter(([path]) => existsSync(join(root, path)))
      .sort((a, b) => b[1] - a[1]),
  );

const kept = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
const vitest = vitestSeconds();
const playwright = playwrightSeconds();
if (!vitest)
  console.log('test-durations: no vitest results cache; its times are kept as they were');
if (!playwright)
  console.log('test-durations: no Playwright report; its times are kept as they were');
const next = {
  vitest: vitest ? sortedBySlowest(vitest) : (kept.vitest ?? {}),
  playwright: playwright ? sortedBySlowest(playwright) : (kept.playwright ?? {}),
};
writeFileSync(out, JSON.stringify(next, null, 2) + '\n');
console.log(
  `test-durations: ${Object.keys(next.vitest).length} vitest files, ` +
    `${Object.keys(next.playwright).length} specs → ${out}`,
);
