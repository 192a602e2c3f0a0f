// `workstation audit verify` on a real data directory: the store the workstation writes, checked
// through the store worker; then the database edited by hand (the store closed, the append-only
// trigger dropped) and the deletion named, with exit code 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { workstationId } from '../../host/data-dir';
import { openStore } from '../../host/store/client';
import { CliError } from '../cli-error';
import { runAudit } from './audit';

const root = mkdtempSync(join(tmpdir(), 'audit-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let out: string[];
let errors: string[];
beforeEach(() => {
  out = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
});
afterEach(() => vi.restoreAllMocks());

describe('workstation audit verify', () => {
  it('says the trail is intact, then names an entry deleted by hand (exit 1)', async () => {
    const dataDir = join(root, 'data');
    const store = await openStore({
      dataDir: join(dataDir, 'pgdata'),
      workstationId: workstationId(dataDir),
    });
    for (const action of ['bed-opened', 'trends-opened', 'export']) {
      await store.recordAuditEvent({
        atMs: Date.UTC(2026, 10, 20, 12),
        actor: 'nurse.demo',
        action,
        subject: 'bed-1',
        detail: '',
      });
    }
    await store.close();

    expect(await runAudit(['verify', '--data', dataDir])).toBe(0);
    expect(out.join('\n')).toMatch(
      /^Workstation .+: The audit trail is intact: 3 entries checked, from the first entry to entry 3\.$/,
    );

    const db = await PGlite.create(join(dataDir, 'pgdata'));
    await db.exec(`DROP TRIGGER audit_events_append_only ON audit_events;
      DELETE FROM audit_events WHERE seq = 2;`);
    await db.close();

    expect(await runAudit(['verify', '--data', dataDir])).toBe(1);
    expect(errors.join('\n')).toMatch(/Audit entry 2 was deleted \(entry 3 follows entry 1\)\./);
  });

  it('refuses a folder with no data store, and an unknown action, with a sentence', async () => {
    const empty = join(root, 'empty');
    await expect(runAudit(['verify', '--data', empty])).rejects.toThrow(
      new CliError(`There is no workstation data store in ${empty}: give its --data folder.`),
    );
    await expect(runAudit(['check'])).rejects.toThrow(
      /Give "audit verify \[--data DIR\] \[--passphrase-stdin\]"/,
    );
    await expect(runAudit(['verify', '--dta', empty])).rejects.toThrow(CliError);
  });

  it('checks a passphrase-protected folder with --passphrase-stdin, and says how without it', async () => {
    const dataDir = join(root, 'protected');
    const store = await openStore({
      dataDir: join(dataDir, 'pgdata'),
      workstationId: workstationId(dataDir),
      encryption: { passphrase: 'a long passphrase 9' },
    });
    await store.recordAuditEvent({
      atMs: Date.UTC(2026, 10, 20, 12),
      actor: 'nurse.demo',
      action: 'bed-opened',
      subject: 'bed-1',
      detail: '',
    });
    await store.close();
    await expect(runAudit(['verify', '--data', dataDir])).rejects.toThrow(
      /protected by a passphrase: give --passphrase-stdin/,
    );
    const code = await runAudit(['verify', '--data', dataDir, '--passphrase-stdin'], {
      input: Readable.from(['a long passphrase 9\n']),
    });
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/intact/);
  });
});
