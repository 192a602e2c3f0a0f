// The ADT listener: the hospital interface engine connects over TCP and sends ADT messages in MLLP
// frames; each is applied to the census and acknowledged, strictly in the order it arrived on its
// connection, the ACK written only after the census change is committed. Bounded: a number of
// connections, an idle timeout, a size per message, and a number of messages waiting per
// connection (reading pauses beyond it). A connection's garbage, cut-off frame or crash is its own:
// it is logged and never affects the listener or the other connections.
import { BlockList, createServer, isIP, isIPv6 } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Database } from '../db/database';
import { applyAdtMessage } from '../census/census-store';
import type { AdtApplied } from '../census/census-store';
import type { AdtMessage } from './adt-message';
import { answerAdt, answerTooLarge } from './adt-answer';
import type { AdtAnswer } from './adt-answer';
import { frame, MllpDecoder } from './mllp';

export const ADT_DEFAULTS = {
  maxConnections: 32,
  idleTimeoutMs: 10 * 60_000,
  maxMessageBytes: 1024 * 1024,
  /** Messages received and not yet answered on one connection before its reading pauses. */
  maxWaitingPerConnection: 16,
};

export interface AdtListenerOptions {
  db: Database;
  host: string;
  port: number;
  nowMs(): number;
  log(line: string): void;
  maxConnections?: number;
  idleTimeoutMs?: number;
  maxMessageBytes?: number;
  /**
   * The senders allowed (--adt-allow): addresses and subnets (10.1.2.3, 10.1.2.0/24, fd00::/8).
   * Empty or absent: any sender that reaches the port (then a firewall must keep others out).
   */
  allow?: readonly string[];
}

/** The allowed senders as a BlockList (used the other way round: an allow list), or null. */
export function allowListOf(entries: readonly string[] | undefined): BlockList | null {
  if (!entries || entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIPv6(address!) ? 'ipv6' : 'ipv4';
    if (!isIP(address!)) throw new Error(`${entry} is not an address or a subnet`);
    if (prefix === undefined) list.addAddress(address!, family);
    else {
      const bits = Number(prefix);
      if (!/^\d{1,3}$/.test(prefix) || bits > (family === 'ipv6' ? 128 : 32)) {
        throw new Error(`${entry} is not a subnet (its prefix length)`);
      }
      list.addSubnet(address!, bits, family);
    }
  }
  return list;
}

/** Whether a peer is allowed: its address as IPv4 when it came as an IPv4-mapped IPv6 one. */
function allowed(list: BlockList, remote: string | undefined): boolean {
  if (!remote) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)?.[1];
  const address = mapped ?? remote;
  return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

export interface RunningAdtListener {
  port: number;
  /** host:port, as the interface engine is told. */
  address: string;
  close(): Promise<void>;
}

export async function startAdtListener(options: AdtListenerOptions): Promise<RunningAdtListener> {
  const maxMessageBytes = options.maxMessageBytes ?? ADT_DEFAULTS.maxMessageBytes;
  const idleTimeoutMs = options.idleTimeoutMs ?? ADT_DEFAULTS.idleTimeoutMs;
  const { log, nowMs } = options;
  const open = new Set<Socket>();
  const working = new Set<Promise<void>>();
  let closing = false;
  let ackCount = 0;
  const nextControlId = () =>
    `C${nowMs().toString(36)}${(ackCount++ % 1_296).toString(36).padStart(2, '0')}`;
  // One census change at a time in this process (the store's advisory lock orders instances):
  // connections wait here, not holding a database connection each.
  let censusTurn: Promise<unknown> = Promise.resolve();
  const apply = (adt: AdtMessage, receivedAtMs: number): Promise<AdtApplied> => {
    const turn = censusTurn.then(() => applyAdtMessage(options.db, adt, receivedAtMs));
    censusTurn = turn.catch(() => undefined);
    return turn;
  };

  const allowList = allowListOf(options.allow);
  const refusedLoggedAt = new Map<string, number>();
  const serve = (socket: Socket) => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    if (allowList && !allowed(allowList, socket.remoteAddress)) {
      // Not a sender of ours: nothing is read from it, nothing answered; logged once a minute.
      const who = socket.remoteAddress ?? 'an unknown address';
      if (nowMs() - (refusedLoggedAt.get(who) ?? -Infinity) >= 60_000) {
        if (refusedLoggedAt.size > 1000) refusedLoggedAt.clear();
        refusedLoggedAt.set(who, nowMs());
        log(`ADT connection from ${who} refused: not in --adt-allow (logged once a minute).`);
      }
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs);
    let chain: Promise<void> = Promise.resolve();
    let waiting = 0;
    let pausedHere = false;
    let noiseLogged = false;
    const enqueue = (work: () => Promise<AdtAnswer>) => {
      waiting += 1;
      if (waiting >= ADT_DEFAULTS.maxWaitingPerConnection && !pausedHere) {
        pausedHere = true;
        socket.pause();
      }
      const step = chain.then(async () => {
        // A message that arrived whole is applied even if its sender left before the ACK (it will
        // send it again, and is then answered as already applied); not while shutting down.
        if (closing) return;
        const answer = await work();
        log(`${answer.logLine} [${peer}]`);
        if (!socket.destroyed) socket.write(frame(answer.ack));
      });
      chain = step
        .catch((error: unknown) => log(`ADT connection ${peer}: ${String(error)}`))
        .finally(() => {
          waiting -= 1;
          if (pausedHere && waiting < ADT_DEFAULTS.maxWaitingPerConnection / 2) {
            pausedHere = false;
            socket.resume();
          }
        });
      working.add(chain);
      const done = chain;
      void done.then(() => working.delete(done));
    };
    const decoder = new MllpDecoder(maxMessageBytes, {
      message: (text) => enqueue(() => answerAdt(text, { apply, nowMs, nextControlId })),
      oversize: (bytesSoFar, head) =>
        enqueue(async () =>
          answerTooLarge(head, bytesSoFar, maxMessageBytes, { nowMs, nextControlId }),
        ),
    });
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      if (decoder.outsideBytes > 0 && !noiseLogged) {
        noiseLogged = true;
        log(
          `ADT connection ${peer} sent bytes outside MLLP frames (<VT> … <FS><CR>); they are ` +
            'ignored (logged once per connection).',
        );
      }
    });
    socket.on('timeout', () => {
      log(`ADT connection ${peer} was idle for ${idleTimeoutMs / 1000} s and is closed.`);
      socket.destroy();
    });
    socket.on('error', (error) => log(`ADT connection ${peer}: ${error.message}`));
    socket.on('close', () => {
      open.delete(socket);
      if (decoder.pendingBytes > 0 && !closing) {
        log(
          `ADT connection ${peer} closed in the middle of a message (${decoder.pendingBytes} ` +
            'bytes): nothing of it was applied.',
        );
      }
    });
  };

  const server: Server = createServer(serve);
  server.maxConnections = options.maxConnections ?? ADT_DEFAULTS.maxConnections;
  let lastDropLogMs = -Infinity;
  server.on('drop', (data) => {
    if (nowMs() - lastDropLogMs < 60_000) return;
    lastDropLogMs = nowMs();
    log(
      `ADT connection from ${data?.remoteAddress ?? 'a sender'} refused: ${server.maxConnections} ` +
        'connections are open already (logged once a minute).',
    );
  });
  server.on('error', (error) => log(`ADT listener: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    address: `${host}:${port}`,
    close: async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      // A message being applied finishes (its transaction commits or rolls back); the rest wait.
      await Promise.all([...working]);
      await stopped;
    },
  };
}
