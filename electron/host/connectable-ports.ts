// Which paths a device may be connected on from the screen: the serial ports this computer lists,
// and the paths an administrator allowed when starting the workstation (its --device paths and
// `serve --allow-port PATH_OR_GLOB`). Anything else, a terminal's tty above all, is refused: a
// driver would read what is typed there and write its commands into it.
import { posix } from 'node:path';
import { realpath } from 'node:fs/promises';

/** `*` and `?` stay within one path segment, `**` crosses them; nothing else is special. */
export function portPatternMatches(pattern: string, path: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(path);
}

export interface PortChoice {
  /** Serial ports the system lists now. */
  listed: readonly string[];
  /** Paths and globs an administrator allowed. */
  allowed: readonly string[];
  /** What the path points to (a link under /dev/serial/by-id/ to /dev/ttyUSB0), if known. */
  target?: string | null;
}

/** Why a device may not be connected on `path`, in words a person can act on; null if it may. */
export function connectRefusal(
  path: string,
  { listed, allowed, target }: PortChoice,
): string | null {
  if (listed.includes(path) || (target && listed.includes(target))) return null;
  // `..` and doubled slashes would let an allowed folder reach outside itself.
  const plain = path.startsWith('/') && posix.normalize(path) === path;
  if (plain && allowed.some((pattern) => portPatternMatches(pattern, path))) return null;
  const choices = listed.length > 0 ? `: ${listed.join(', ')}` : ', and it lists none now';
  return (
    `${path} is not a serial port this computer lists${choices}. Choose a listed port; ` +
    `another path needs an administrator to allow it (workstation serve --allow-port PATH).`
  );
}

/** The live check: lists the ports and follows the link each time a connection is asked for. */
export function connectablePorts(
  allowed: readonly string[],
  listPorts: () => Promise<readonly { path: string }[]>,
): (path: string) => Promise<string | null> {
  return async (path) => {
    const [ports, target] = await Promise.all([
      listPorts().catch(() => []),
      realpath(path).catch(() => null),
    ]);
    return connectRefusal(path, { listed: ports.map((port) => port.path), allowed, target });
  };
}
