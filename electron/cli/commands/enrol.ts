// `workstation enrol`: joins a central server with a one-time code (for scripted installs; the
// settings screen does the same through the api), shows the enrolment kept, or forgets it. The
// credential is sealed with a key file of the data directory (0600): the CLI runs without the
// desktop app's OS keystore. A workstation running on the same data directory picks the change
// up within seconds.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { workstationId } from '../../host/data-dir';
import {
  enrol,
  EnrolmentError,
  forgetEnrolment,
  readEnrolment,
  syncDir,
} from '../../host/sync/enrolment';
import { fileKeystore } from '../../host/sync/keystore';
import { CliError, parseOptions } from '../cli-error';
import { defaultDataDir } from './serve';

export async function runEnrol(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    data: { type: 'string' },
    server: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    ca: { type: 'string' },
    status: { type: 'boolean' },
    forget: { type: 'boolean' },
  });
  const dataDir = resolve(options.data ?? defaultDataDir());
  const modes = [options.status, options.forget, options.server !== undefined].filter(Boolean);
  if (modes.length !== 1) {
    throw new CliError(
      'Give --server URL --code CODE to enrol, --status to see the enrolment, or --forget to leave the server.',
    );
  }
  if (options.status) return printStatus(dataDir);
  if (options.forget) {
    const had = existsSync(dataDir) && forgetEnrolment(dataDir);
    console.log(
      had
        ? 'The enrolment was forgotten: nothing more is sent; every row stays kept on this workstation.'
        : 'This workstation was not enrolled.',
    );
    return 0;
  }
  if (!options.code)
    throw new CliError('--code is required: the one-time code IT made on the server.');
  let caPem: string | null = null;
  if (options.ca !== undefined) {
    try {
      caPem = readFileSync(resolve(options.ca), 'utf8');
    } catch (error) {
      throw new CliError(`The CA file ${options.ca} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  try {
    const kept = await enrol({
      dataDir,
      workstationId: workstationId(dataDir),
      serverUrl: options.server!,
      code: options.code,
      name: options.name ?? hostname(),
      caPem,
      keystore: fileKeystore(syncDir(dataDir)),
    });
    console.log(
      `Enrolled with ${kept.serverUrl} as "${kept.name}"${kept.unit ? ` (unit ${kept.unit})` : ''}:` +
        ' this workstation now sends everything it keeps, whenever the link is up.',
    );
    return 0;
  } catch (error) {
    if (error instanceof EnrolmentError) {
      if (error.reason === 'bad-input') throw new CliError(error.message);
      console.error(`workstation: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Prints the kept enrolment; exit code 0 when enrolled, 1 when not. */
function printStatus(dataDir: string): number {
  let kept;
  try {
    kept = readEnrolment(dataDir);
  } catch (error) {
    console.error(`workstation: ${(error as Error).message}`);
    return 1;
  }
  if (kept === null) {
    console.log(`Not enrolled: ${dataDir} is kept on this workstation only.`);
    return 1;
  }
  const sealed =
    kept.credential.keystore === 'os'
      ? "with the desktop app's OS keystore"
      : `with the key file ${syncDir(dataDir)}/credential.key (0600)`;
  console.log(
    [
      `Enrolled with ${kept.serverUrl}`,
      `  name: ${kept.name}${kept.unit ? `, unit ${kept.unit}` : ''}`,
      `  workstation id: ${kept.workstationId}`,
      `  server id: ${kept.serverId}`,
      `  enrolled at: ${new Date(kept.enrolledAtMs).toISOString()}`,
      `  trusts: ${kept.caPem ? 'the CA given at enrolment only' : "the system's certificate authorities"}`,
      `  credential: sealed ${sealed}`,
    ].join('\n'),
  );
  return 0;
}
