// `server release keygen|sign …`: IT's signing commands, which need no database and run on the
// machine that holds the private key (never the server). Pure: argv in, a command out.
import { parseArgs } from 'node:util';
import { SEMVER, UpdatePlatform } from '../../shared/update/release';
import { UsageError } from './args';

export const RELEASE_USAGE = `  npm run server -- release keygen --out DIR   (an Ed25519 keypair for signing releases; keep the private key off the server)
  npm run server -- release sign --key KEY.pem --version 1.2.3 --platform win|mac|linux FILE… [--out release-win.json]`;

export type ReleaseCommand =
  | { kind: 'release-keygen'; outDir: string }
  | {
      kind: 'release-sign';
      keyPath: string;
      version: string;
      platform: UpdatePlatform;
      files: string[];
      out: string | null;
    };

export function parseReleaseCommand(argv: string[]): ReleaseCommand {
  const [action, ...args] = argv;
  if (action !== 'keygen' && action !== 'sign') {
    throw new UsageError(`release takes keygen or sign, not ${action ?? 'nothing'}`);
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: action === 'sign',
      options: {
        out: { type: 'string' },
        key: { type: 'string' },
        version: { type: 'string' },
        platform: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  if (action === 'keygen') {
    const stray = ['key', 'version', 'platform'].find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} is not an option of release keygen`);
    const outDir = text('out');
    if (!outDir) throw new UsageError('release keygen needs --out DIR: where to write the keys');
    return { kind: 'release-keygen', outDir };
  }
  const keyPath = text('key');
  if (!keyPath) throw new UsageError('release sign needs --key KEY.pem: the private release key');
  const version = text('version');
  if (!version || !SEMVER.test(version)) {
    throw new UsageError(
      'release sign needs --version MAJOR.MINOR.PATCH (as the build is versioned)',
    );
  }
  const platform = UpdatePlatform.safeParse(text('platform'));
  if (!platform.success) throw new UsageError('release sign needs --platform win, mac or linux');
  if (positionals.length === 0) {
    throw new UsageError('release sign needs the release files to sign (e.g. the installer)');
  }
  return {
    kind: 'release-sign',
    keyPath,
    version,
    platform: platform.data,
    files: positionals,
    out: text('out') ?? null,
  };
}

/**
 * Takes every `--update-public-key FILE` (repeatable: several keys while IT rolls its key over)
 * out of the server's arguments, leaving the rest to the usual parser.
 */
export function takeUpdatePublicKeys(argv: string[]): { paths: string[]; rest: string[] } {
  const paths: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--update-public-key') {
      const path = argv[i + 1];
      if (path === undefined || path.startsWith('--')) {
        throw new UsageError('--update-public-key needs a FILE: the release public key (PEM)');
      }
      paths.push(path);
      i++;
    } else if (arg.startsWith('--update-public-key=')) {
      paths.push(arg.slice('--update-public-key='.length));
    } else {
      rest.push(arg);
    }
  }
  return { paths, rest };
}
