// A TCP proxy on loopback that makes a link fail the ways real ones do, between a client and a
// server: 'drop' refuses and cuts every connection (the link is gone), 'stall' accepts and
// forwards nothing (a black hole; what was held flows again once the mode changes back),
// 'cut-request' / 'cut-response' close a connection after so many bytes one way (a body cut in
// half), 'delay' holds every chunk for a while (a slow, long link). Modes apply at once to the
// connections open and to new ones.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'stall' }
  | { kind: 'cut-request'; afterBytes: number }
  | { kind: 'cut-response'; afterBytes: number }
  | { kind: 'delay'; ms: number };

interface Pair {
  client: Socket;
  server: Socket;
  /** Bytes forwarded each way since the connection opened. */
  up: number;
  down: number;
  /** Chunks held (stalled, or delayed until dueMs), in order, with their direction. */
  held: { to: 'server' | 'client'; chunk: Buffer; dueMs: number }[];
  timer: NodeJS.Timeout | null;
}

export class FaultProxy {
  private mode: FaultMode = { kind: 'pass' };
  private readonly pairs = new Set<Pair>();
  /** Connections accepted, and connections cut by the proxy (for the test's own checks). */
  accepted = 0;
  cut = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy!.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, (server.address() as AddressInfo).port, target);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setMode(mode: FaultMode): void {
    this.mode = mode;
    for (const pair of [...this.pairs]) {
      if (mode.kind === 'drop') this.destroy(pair);
      else if (mode.kind !== 'stall') this.release(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.destroy(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    if (this.mode.kind === 'drop') {
      this.cut += 1;
      client.resetAndDestroy();
      return;
    }
    const server = connect(this.target.port, this.target.host);
    const pair: Pair = { client, server, up: 0, down: 0, held: [], timer: null };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.forward(pair, 'server', chunk));
    server.on('data', (chunk: Buffer) => this.forward(pair, 'client', chunk));
    const end = () => this.destroy(pair);
    for (const socket of [client, server]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  private forward(pair: Pair, to: 'server' | 'client', chunk: Buffer): void {
    const mode = this.mode;
    if (mode.kind === 'stall') {
      pair.held.push({ to, chunk, dueMs: 0 });
      return;
    }
    if (mode.kind === 'delay' || pair.held.length > 0) {
      // In order behind what is held: delayed, or released with it.
      pair.held.push({ to, chunk, dueMs: mode.kind === 'delay' ? Date.now() + mode.ms : 0 });
      this.release(pair);
      return;
    }
    const cutting =
      (mode.kind === 'cut-request' && to === 'server') ||
      (mode.kind === 'cut-response' && to === 'client');
    const sent = to === 'server' ? pair.up : pair.down;
    if (cutting && sent + chunk.byteLength > mode.afterBytes) {
      this.write(pair, to, chunk.subarray(0, Math.max(0, mode.afterBytes - sent)));
      this.cut += 1;
      // Let the part go out before the connection is cut.
      setTimeout(() => this.destroy(pair), 20);
      return;
    }
    this.write(pair, to, chunk);
  }

  private write(pair: Pair, to: 'server' | 'client', chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    if (to === 'server') pair.up += chunk.byteLength;
    else pair.down += chunk.byteLength;
    (to === 'server' ? pair.server : pair.client).write(chunk);
  }

  /** Held chunks that are due flow again, in order; a timer waits for the next one. */
  private release(pair: Pair): void {
    if (!this.pairs.has(pair) || this.mode.kind === 'stall') return;
    const now = Date.now();
    while (pair.held.length > 0 && pair.held[0]!.dueMs <= now) {
      const { to, chunk } = pair.held.shift()!;
      this.write(pair, to, chunk);
    }
    if (pair.held.length > 0 && pair.timer === null) {
      pair.timer = setTimeout(() => {
        pair.timer = null;
        this.release(pair);
      }, pair.held[0]!.dueMs - now);
    }
  }

  private destroy(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    if (pair.timer) clearTimeout(pair.timer);
    pair.client.destroy();
    pair.server.destroy();
  }
}
