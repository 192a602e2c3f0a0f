#!/usr/bin/env node
// `npm test`: the checks (lint, typecheck, build) side by side, since none needs another's
// output, then the unit and integration tests (Vitest), then the browser tests (Playwright),
// each step's time printed. Stops at the first step that fails, with its output.
import { spawn } from 'node:child_process';

function run(script, args, { quiet }) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(script, args, {
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      shell: process.platform === 'win32',
    });
    let output = '';
    if (quiet) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('close', (code, signal) =>
      resolve({
        name: [script, ...args].join(' '),
        code: code ?? 1,
        signal,
        output,
        seconds: (performance.now() - started) / 1000,
      }),
    );
  });
}

const said = (step) =>
  console.log(
    `test: ${step.name}: ${step.code === 0 ? 'passed' : `FAILED (${step.signal ?? step.code})`} in ${step.seconds.toFixed(0)} s`,
  );

async function main() {
  const checks = await Promise.all(
    ['lint', 'typecheck', 'build'].map((name) =>
      run('npm', ['run', '--silent', name], { quiet: true }),
    ),
  );
  for (const check of checks) {
    if (check.code !== 0 || check.output.trim()) process.stdout.write(check.output);
    said(check);
  }
  if (checks.some((check) => check.code !== 0)) return 1;
  for (const [command, args] of [
    ['npx', ['vitest', 'run']],
    ['npx', ['playwright', 'test']],
  ]) {
    const step = await run(command, args, { quiet: false });
    said(step);
    if (step.code !== 0) return step.code;
  }
  return 0;
}

process.exit(await main());
