// The record of start attempts, on real files in a temp folder, with a controllable clock; each
// "process" is a fresh openStartRecord over the same folder, as after a crash and a restart.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStartRecord, START_RECORD_FILE } from './start-record';

const HEALTHY_AFTER_MS = 60_000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workstationFolder() {
  const parent = mkdtempSync(join(tmpdir(), 'start-record-'));
  dirs.push(parent);
  const dataDir = join(parent, 'data');
  let nowMs = 1_000_000;
  const warnings: string[] = [];
  /** One run of the workstation: starts `version`, runs `runMs`, and maybe quits cleanly. */
  const run = (version: string, runMs: number, cleanExit = false) => {
    const record = openStartRecord({
      dataDir,
      now: () => nowMs,
      warn: (m) => warnings.push(m),
      healthyAfterMs: HEALTHY_AFTER_MS,
    });
    record.started(version);
    nowMs += runMs;
    record.markHealthyIfDue();
    if (cleanExit) record.cleanExit();
    nowMs += 1_000;
    return record;
  };
  const advance = (ms: number) => (nowMs += ms);
  return { parent, dataDir, run, advance, warnings, file: join(dataDir, START_RECORD_FILE) };
}

describe('the record of start attempts', () => {
  it('says a new version failed to start twice, and which version IT can reinstall', () => {
    const { run, warnings } = workstationFolder();
    run('3.1.0', 3_600_000);
    run('3.2.0', 5_000); // crashed after 5 s
    expect(run('3.2.0', 10_000).failedStarts()).toBeNull(); // the first failure is only one
    const third = run('3.2.0', 1_000);
    expect(third.failedStarts()).toEqual({
      version: '3.2.0',
      failures: 2,
      previousHealthy: '3.1.0',
      message: 'Version 3.2.0 failed to start twice — IT can reinstall 3.1.0',
    });
    expect(warnings).toEqual([]);
  });

  it('marks a start healthy only after the workstation has run long enough', () => {
    const { dataDir, advance, file } = workstationFolder();
    const record = openStartRecord({
      dataDir,
      now: () => advance(0),
      warn: () => undefined,
      healthyAfterMs: HEALTHY_AFTER_MS,
    });
    record.started('3.2.0');
    advance(HEALTHY_AFTER_MS - 1);
    expect(record.markHealthyIfDue()).toBe(false);
    advance(1);
    expect(record.markHealthyIfDue()).toBe(true);
    expect(record.markHealthyIfDue()).toBe(false); // once
    expect(readFileSync(file, 'utf8')).toContain('"outcome": "healthy"');
  });

  it('stops saying so once the version runs healthily', () => {
    const { run } = workstationFolder();
    run('3.1.0', HEALTHY_AFTER_MS);
    run('3.2.0', 0);
    run('3.2.0', 0);
    expect(run('3.2.0', HEALTHY_AFTER_MS).failedStarts()).toBeNull();
  });

  it('does not count a clean quit before the mark as a failed start', () => {
    const { run } = workstationFolder();
    run('3.1.0', HEALTHY_AFTER_MS);
    run('3.2.0', 1_000, true);
    run('3.2.0', 1_000);
    expect(run('3.2.0', 0).failedStarts()).toBeNull();
  });

  it('counts only the running version’s failures, and names the version before it', () => {
    const { run } = workstationFolder();
    run('3.0.0', HEALTHY_AFTER_MS);
    run('3.1.0', HEALTHY_AFTER_MS);
    run('3.2.0', 0);
    run('3.2.0', 0);
    run('3.2.0', 0);
    const failing = run('3.2.0', 0).failedStarts();
    expect(failing?.failures).toBe(3);
    expect(failing?.message).toBe('Version 3.2.0 failed to start 3 times — IT can reinstall 3.1.0');
    // IT reinstalled 3.1.0: it starts healthily and nothing is reported.
    expect(run('3.1.0', HEALTHY_AFTER_MS).failedStarts()).toBeNull();
  });

  it('says so without a version to name when none ran healthily here', () => {
    const { run } = workstationFolder();
    run('3.2.0', 0);
    run('3.2.0', 0);
    expect(run('3.2.0', 0).failedStarts()?.message).toBe(
      'Version 3.2.0 failed to start twice — IT can reinstall the version used before it',
    );
  });

  it('writes atomically, privately, and keeps a bounded history', () => {
    const { run, file, dataDir } = workstationFolder();
    for (let i = 0; i < 30; i++) run(`3.0.${i}`, HEALTHY_AFTER_MS);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { attempts: unknown[] };
    expect(saved.attempts).toHaveLength(20);
    expect(readdirSync(dataDir)).toEqual([START_RECORD_FILE]); // no temp file left behind
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('treats a damaged file as a warning and a fresh record, never a crash', () => {
    for (const damage of ['{"format":1,"attempts":[{"vers', '{"format":9}', '']) {
      const { run, dataDir, file, warnings } = workstationFolder();
      mkdirSync(dataDir);
      writeFileSync(file, damage);
      expect(() => run('3.2.0', 0)).not.toThrow();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/record of update starts .* starting a fresh one/);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { attempts: unknown[] };
      expect(saved.attempts).toHaveLength(1);
    }
  });

  it('warns, and carries on, when the record cannot be saved', () => {
    const { parent, warnings } = workstationFolder();
    // The data folder's parent is a file: the folder cannot be made, the record not written.
    writeFileSync(join(parent, 'blocked'), 'not a folder');
    const record = openStartRecord({
      dataDir: join(parent, 'blocked', 'data'),
      now: () => 0,
      warn: (m) => warnings.push(m),
    });
    expect(() => record.started('3.2.0')).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Could not save the record of update starts .*check the disk/);
  });
});
