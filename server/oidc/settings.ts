// How the central server signs hospital users in through the hospital's OpenID Connect provider:
// the provider (its issuer), this server's client there (id, secret from a file), and the
// server's public address, under which the redirect address registered at the provider lies.
// Off unless --oidc-issuer is given. The flags are taken out of the command line before the rest
// is parsed (server/main.ts), so the server's own parser never sees them.
import { readFile } from 'node:fs/promises';
import { HOSPITAL_SIGN_IN_PATHS } from '../../shared/sync/hospital-sign-in';
import { VIEWER_PATHS } from '../../shared/telehealth/viewer';
import { UsageError } from '../cli/args';

export interface OidcSettings {
  /** The provider's issuer, e.g. https://login.hospital.example/realms/staff. */
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * The server's address as browsers reach it (https://central.hospital.example:8443); the
   * redirect address is this + /auth/oidc/callback. Null: the address the server listens on.
   */
  publicUrl: string | null;
}

export interface OidcFlags {
  issuerUrl: string;
  clientId: string;
  clientSecretFile: string;
  publicUrl: string | null;
}

export const OIDC_USAGE = `  Sign-in with the hospital account (OpenID Connect), all of:
    --oidc-issuer https://login.hospital.example/realms/staff   (the provider's issuer)
    --oidc-client-id central-server   --oidc-client-secret-file FILE   (this server's client there)
    [--public-url https://central.hospital.example:8443]   (as browsers reach this server; the
      provider must allow the redirect addresses PUBLIC-URL${HOSPITAL_SIGN_IN_PATHS.callback}
      (workstations) and PUBLIC-URL${VIEWER_PATHS.accountCallback} (remote consults))`;

const NAMES = ['oidc-issuer', 'oidc-client-id', 'oidc-client-secret-file', 'public-url'] as const;
type Name = (typeof NAMES)[number];

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Plain http is for a provider (or a server) on this computer only, as elsewhere in the server. */
function addressProblem(what: string, text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${what} "${text}" is not an address (e.g. https://login.hospital.example)`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) return null;
  return `${what} "${text}" must be an https address (plain http only on this computer, for tests)`;
}

/**
 * Takes the OpenID Connect flags (`--name value` or `--name=value`) out of argv: what they say
 * (null when none is given) and the rest.
 */
export function takeOidcFlags(argv: readonly string[]): {
  flags: OidcFlags | null;
  /** --public-url, also given alone: where browsers reach the server (telehealth links). */
  publicUrl: string | null;
  rest: string[];
} {
  const found = new Map<Name, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = NAMES.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (!name) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    if (value === undefined || value.trim() === '' || value.startsWith('--')) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (found.has(name)) throw new UsageError(`--${name} is given twice`);
    found.set(name, value.trim());
  }
  const alone = found.get('public-url');
  if (found.size === 0 || (found.size === 1 && alone !== undefined)) {
    if (alone !== undefined) {
      const problem = addressProblem('--public-url', alone);
      if (problem) throw new UsageError(problem);
    }
    return { flags: null, publicUrl: alone?.replace(/\/+$/, '') ?? null, rest };
  }
  const missing = NAMES.filter((n) => n !== 'public-url' && !found.has(n));
  if (missing.length > 0) {
    throw new UsageError(
      `Sign-in with the hospital account needs --oidc-issuer, --oidc-client-id and ` +
        `--oidc-client-secret-file together; --${missing.join(' and --')} ${missing.length > 1 ? 'are' : 'is'} missing.\n${OIDC_USAGE}`,
    );
  }
  const issuerUrl = found.get('oidc-issuer')!;
  const publicUrl = found.get('public-url') ?? null;
  const problem =
    addressProblem('--oidc-issuer', issuerUrl) ??
    (publicUrl === null ? null : addressProblem('--public-url', publicUrl));
  if (problem) throw new UsageError(problem);
  return {
    flags: {
      issuerUrl,
      clientId: found.get('oidc-client-id')!,
      clientSecretFile: found.get('oidc-client-secret-file')!,
      publicUrl: publicUrl === null ? null : publicUrl.replace(/\/+$/, ''),
    },
    publicUrl: publicUrl === null ? null : publicUrl.replace(/\/+$/, ''),
    rest,
  };
}

/** The settings, with the client secret read from its file (the first line, trimmed). */
export async function readOidcSettings(flags: OidcFlags): Promise<OidcSettings> {
  let text: string;
  try {
    text = await readFile(flags.clientSecretFile, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the OpenID Connect client secret file ${flags.clientSecretFile}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const clientSecret = text.split(/\r?\n/)[0]!.trim();
  if (clientSecret === '') {
    throw new Error(
      `The OpenID Connect client secret file ${flags.clientSecretFile} is empty: put the secret ` +
        'the provider gave for this server on its first line.',
    );
  }
  return {
    issuerUrl: flags.issuerUrl,
    clientId: flags.clientId,
    clientSecret,
    publicUrl: flags.publicUrl,
  };
}
