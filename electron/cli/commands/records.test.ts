// `workstation export` on a data folder whose key is wrapped by a passphrase: opened with
// --passphrase-stdin (read from stdin, never an argument), refused in words without it. A real
// store on disk, a real FHIR export of a fictional patient's stay.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { workstationId } from '../../host/data-dir';
import { openStore } from '../../host/store/client';
import { CliError } from '../cli-error';
import { runExport } from './records';

const PASSPHRASE = 'a long passphrase for the export test';
const MRN = 'TEST-EXP-7';
let root: string;
let dataDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'records-cli-'));
  dataDir = join(root, 'data');
  const store = await openStore({
    dataDir: join(dataDir, 'pgdata'),
    workstationId: workstationId(dataDir),
    encryption: { passphrase: PASSPHRASE },
  });
  try {
    await store.admitPatient({
      patient: {
        mrn: MRN,
        familyName: 'Testpatient',
        givenName: 'Export',
        birthDate: '1970-01-01',
        category: 'adult',
      },
      bedId: 'bed-3',
      bedLabel: 'Bed 3',
      atMs: Date.now() - 60_000,
      actor: 'nurse-test',
      detail: 'admitted to Bed 3 (test)',
    });
  } finally {
    await store.close();
  }
});

afterAll(() => {
  vi.restoreAllMocks();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('workstation export on a passphrase-protected folder', () => {
  it('exports with --passphrase-stdin, and says how without it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = join(root, 'stay.json');
    const args = ['--data', dataDir, '--format', 'fhir', '--patient', MRN, '--out', out];

    const refused = await runExport(args).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as Error).message).toMatch(/passphrase/);
    expect(existsSync(out)).toBe(false);

    const wrong = await runExport([...args, '--passphrase-stdin'], {
      input: Readable.from(['not the passphrase\n']),
    }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(CliError);
    expect(existsSync(out)).toBe(false);

    const code = await runExport([...args, '--passphrase-stdin'], {
      input: Readable.from([`${PASSPHRASE}\n`]),
    });
    expect(code).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      entry: { resource: { resourceType: string; name?: { family: string }[] } }[];
    };
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient');
    expect(patient?.resource.name?.[0]?.family).toBe('Testpatient');
  });
});
