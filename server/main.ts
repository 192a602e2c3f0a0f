// `npm run server -- …`: the central server, or one of its admin commands. Exit codes: 0 done,
// 1 failed (the message says why), 2 bad arguments, 3 the database belongs to a newer server.
import { readFile } from 'node:fs/promises';
import { readAdminTokenFile } from './admin-token';
import { readViewerTokenFile } from './central/viewer-access';
import { startCentralServer } from './central-server';
import { USAGE, UsageError, parseServerCommand } from './cli/args';
import type { ServerCommand } from './cli/args';
import { describeDatabase, openDatabase } from './db/database';
import type { Database } from './db/database';
import { DatabaseNewerError, migrate } from './db/migrate';
import { SyncRefusal } from './sync/refusal';
import { createEnrolmentCode, listWorkstations, revokeWorkstation } from './enrolment/registry';
import { migrations } from './migrations/index';
import { runReleaseCommand } from './releases/release-command';
import { runUsersCommand } from './accounts/users-command';
import { readTrustedKeys } from './releases/signing-keys';
import { readOidcSettings, takeOidcFlags } from './oidc/settings';
import type { OidcFlags } from './oidc/settings';
import { HOSPITAL_SIGN_IN_PATHS } from '../shared/sync/hospital-sign-in';
import { VIEWER_PATHS } from '../shared/telehealth/viewer';

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_DATABASE_NEWER = 3;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'users') return runUsersCommand(argv.slice(1));
  let command: ServerCommand;
  let oidcFlags: OidcFlags | null;
  let publicUrl: string | null;
  try {
    ({ flags: oidcFlags, publicUrl, rest: argv } = takeOidcFlags(argv));
    command = parseServerCommand(argv);
    if ((oidcFlags || publicUrl) && command.kind !== 'serve')
      throw new UsageError('--oidc-… and --public-url are options of serving');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command.kind === 'release-keygen' || command.kind === 'release-sign') {
    return runReleaseCommand(command);
  }
  try {
    if (command.kind === 'serve') return await serve(command, oidcFlags, publicUrl);
    return await withDatabase(command.db, (db) => adminCommand(db, command));
  } catch (error) {
    if (error instanceof DatabaseNewerError) {
      console.error(error.message);
      return EXIT_DATABASE_NEWER;
    }
    console.error(describeFailure(error, command.db));
    return EXIT_FAILED;
  }
}

async function serve(
  command: Extract<ServerCommand, { kind: 'serve' }>,
  oidcFlags: OidcFlags | null,
  publicUrl: string | null,
): Promise<number> {
  const tls = command.tls && {
    cert: await readFile(command.tls.certPath).catch((e: Error) =>
      fail('TLS certificate', command.tls!.certPath, e),
    ),
    key: await readFile(command.tls.keyPath).catch((e: Error) =>
      fail('TLS key', command.tls!.keyPath, e),
    ),
  };
  const adminToken = command.adminTokenFile
    ? await readAdminTokenFile(command.adminTokenFile)
    : null;
  const server = await startCentralServer({
    databaseUrl: command.db,
    host: command.host,
    port: command.port,
    tls,
    retentionDays: command.retentionDays,
    adminToken,
    natsUrl: command.nats,
    pcd01: command.pcd01 && {
      host: command.pcd01.host,
      port: command.pcd01.port,
      periodMs: command.pcd01.everyS * 1000,
      alarms: command.pcd01.alarms,
    },
    adt: command.adt,
    releases: {
      trustedKeys: await readTrustedKeys(command.updatePublicKeys),
      ...(command.releaseCache !== undefined ? { cacheDir: command.releaseCache } : {}),
    },
    ...(command.viewerTokenFile
      ? { viewerToken: readViewerTokenFile(command.viewerTokenFile) }
      : {}),
    oidc: oidcFlags ? await readOidcSettings(oidcFlags) : null,
    publicUrl,
  });
  if (server.adminTokenMadeNow) {
    console.log(
      `Admin token (shown this once; only its hash is kept): ${server.adminTokenMadeNow}`,
    );
  }
  console.log(`Hospital central station at ${server.stationUrl}`);
  // The admin page asks for the admin token itself: it is never put in an address.
  console.log(`Admin page at ${new URL('/admin', server.url).toString()}`);
  if (server.adt) console.log(`ADT listener (HL7 v2 over MLLP) at ${server.adt.address}`);
  if (oidcFlags) {
    const base = oidcFlags.publicUrl ?? server.url;
    console.log(
      `Sign-in with the hospital account through ${oidcFlags.issuerUrl} (redirect addresses ` +
        `${base}${HOSPITAL_SIGN_IN_PATHS.callback} for workstations, ` +
        `${base}${VIEWER_PATHS.accountCallback} for remote consults)`,
    );
  }
  console.log(`Central server ready at ${server.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close();
  return 0;
}

async function adminCommand(
  db: Database,
  command: Exclude<ServerCommand, { kind: 'serve' | 'help' | 'release-keygen' | 'release-sign' }>,
): Promise<number> {
  await migrate(db, migrations);
  if (command.kind === 'enrolment-code') {
    const made = await createEnrolmentCode(db, command).catch((error: unknown) => {
      if (error instanceof SyncRefusal) return error;
      throw error;
    });
    if (made instanceof SyncRefusal) {
      console.error(made.message);
      return EXIT_FAILED;
    }
    console.log(made.code);
    console.error(
      `One-time enrolment code${made.unit ? ` for ${made.unit}` : ''}` +
        `${made.workstationId ? ` to enrol workstation ${made.workstationId} again` : ''}, valid until ` +
        `${made.expiresAt}: enrols one workstation, once. Only its hash is kept.`,
    );
    return 0;
  }
  if (command.kind === 'revoke') {
    const revoked = await revokeWorkstation(db, command.workstation);
    if (!revoked) {
      console.error(`No workstation ${command.workstation} is enrolled on this central server.`);
      return EXIT_FAILED;
    }
    console.log(`Workstation ${revoked.id} (${revoked.name}) revoked at ${revoked.revokedAt}.`);
    return 0;
  }
  // One JSON object per workstation, like the workstation's own `devices` and `ports`.
  for (const workstation of await listWorkstations(db)) console.log(JSON.stringify(workstation));
  return 0;
}

async function withDatabase<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase(url, 2);
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

function fail(what: string, path: string, error: Error): never {
  throw new Error(`Cannot read the ${what} file ${path}: ${error.message}`);
}

function describeFailure(error: unknown, url: string): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '3D000') {
    return `The database ${describeDatabase(url)} does not exist: create it (createdb) or give another with --db.`;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '28000') {
    return `Cannot reach the database ${describeDatabase(url)}: ${message}`;
  }
  return message;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT_FAILED);
  },
);
