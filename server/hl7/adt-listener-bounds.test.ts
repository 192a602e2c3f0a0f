// The ADT listener's bounds and order, over real MLLP on loopback: messages sent back to back on
// one connection are applied and acknowledged in the order sent; connections past the limit are
// refused and idle ones closed, others unaffected; a database that cannot be reached is answered AR
// (send again), and the `--adt-port` / `--adt-host` flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerCommand } from '../cli/args';
import { openDatabase } from '../db/database';
import { readCensusEntry } from '../census/census-store';
import { startTestCentral } from '../test-support/central';
import type { TestCentral } from '../test-support/central';
import {
  ackView,
  adtMessage,
  framed,
  mllpClient,
  rawMllp,
  sendAdt,
} from '../test-support/adt-feed';
import { startAdtListener } from './adt-listener';

let central: TestCentral;
let port: number;

beforeAll(async () => {
  central = await startTestCentral({
    adt: { host: '127.0.0.1', port: 0, maxConnections: 2, idleTimeoutMs: 1_000 },
  });
  port = central.server.adt!.port;
});

afterAll(async () => {
  await central?.stop();
});

describe('ADT listener order and bounds', () => {
  it('applies 40 messages sent back to back in the order sent, ACKs in that order', async () => {
    const raw = await rawMllp(port);
    try {
      // 40: past the 16 read ahead, so reading pauses and resumes on the way.
      const cycle = ['A01', 'A02', 'A08', 'A03', 'A13', 'A02', 'A03'];
      const events = Array.from({ length: 40 }, (_, i) => cycle[i % cycle.length]!);
      raw.write(
        events
          .map((event, i) =>
            framed(
              adtMessage(event, `ORD${i}`, {
                mrn: 'TEST-ORDER',
                given: `Step${i}`,
                location: ['ICU', String(i), 'A'],
              }),
            ),
          )
          .join(''),
      );
      const answered: string[] = [];
      for (let i = 0; i < events.length; i++) {
        const ack = ackView(await raw.nextAck());
        expect(ack.code).toBe('AA');
        answered.push(ack.answers);
      }
      expect(answered).toEqual(events.map((_, i) => `ORD${i}`));
      expect(await readCensusEntry(central.server.db, 'TEST-ORDER')).toMatchObject({
        status: 'admitted',
        givenName: 'Step39',
        location: { room: '39' },
        lastEvent: 'A13',
      });
    } finally {
      raw.close();
    }
  });

  it('refuses connections past the limit, closes idle ones, and serves again after', async () => {
    const first = await rawMllp(port);
    const second = await rawMllp(port);
    const third = await rawMllp(port);
    const closed = (socket: typeof third.socket) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed || socket.readyState === 'closed') resolve();
        socket.once('close', () => resolve());
      });
    // The third is dropped at once; the two others after the idle timeout.
    await closed(third.socket);
    expect(central.logs.some((l) => /connections are open already/.test(l))).toBe(true);
    await Promise.all([closed(first.socket), closed(second.socket)]);
    expect(central.logs.filter((l) => /was idle/.test(l)).length).toBeGreaterThanOrEqual(2);
    const client = mllpClient(port);
    try {
      const ack = ackView(
        await sendAdt(client, adtMessage('A04', 'AFTER1', { mrn: 'TEST-AFTER' })),
      );
      expect(ack.code).toBe('AA');
    } finally {
      client.close?.();
    }
  });

  it('answers AR "send it again" when the census cannot be stored', async () => {
    const unreachable = openDatabase('postgres://postgres@127.0.0.1:5432/no_such_database_here', 1);
    const logs: string[] = [];
    const listener = await startAdtListener({
      db: unreachable,
      host: '127.0.0.1',
      port: 0,
      nowMs: Date.now,
      log: (line) => logs.push(line),
    });
    const client = mllpClient(listener.port);
    try {
      const ack = ackView(await sendAdt(client, adtMessage('A01', 'DOWN1', { mrn: 'TEST-DOWN' })));
      expect(ack.code).toBe('AR');
      expect(ack.answers).toBe('DOWN1');
      expect(ack.errorCode).toBe('207');
      expect(ack.text).toMatch(/could not store this message just now.*Send it again/);
      expect(logs.some((l) => /DOWN1.*could not be applied/.test(l))).toBe(true);
    } finally {
      client.close?.();
      await listener.close();
      await unreachable.end();
    }
  });
});

describe('--adt-port and --adt-host', () => {
  const base = ['--db', 'postgres://x@h/db', '--port', '8080', '--insecure-http'];
  const serve = (args: string[]) => {
    const command = parseServerCommand([...base, ...args]);
    if (command.kind !== 'serve') throw new Error('not serve');
    return command.adt;
  };

  it('listens on the server host unless told', () => {
    expect(serve([])).toBeNull();
    expect(serve(['--adt-port', '2575'])).toEqual({ host: '127.0.0.1', port: 2575 });
    expect(serve(['--adt-port', '2575', '--adt-host', '::1'])).toEqual({ host: '::1', port: 2575 });
  });

  it('refuses a bad port, and a host without a port, in words', () => {
    expect(() => serve(['--adt-port', 'x'])).toThrow(/--adt-port must be a whole number/);
    expect(() => serve(['--adt-port', '70000'])).toThrow(/--adt-port/);
    expect(() => serve(['--adt-host', '127.0.0.1'])).toThrow(/--adt-host and --adt-allow need/);
  });

  it('--adt-allow takes addresses and subnets, and refuses anything else in words', () => {
    expect(serve(['--adt-port', '2575', '--adt-allow', '10.1.2.3, 10.1.2.0/24,fd00::/8'])).toEqual({
      host: '127.0.0.1',
      port: 2575,
      allow: ['10.1.2.3', '10.1.2.0/24', 'fd00::/8'],
    });
    expect(() => serve(['--adt-port', '2575', '--adt-allow', 'engine.local'])).toThrow(
      /--adt-allow takes .*engine.local is not an address/,
    );
    expect(() => serve(['--adt-port', '2575', '--adt-allow', '10.0.0.0/40'])).toThrow(/prefix/);
    expect(() => serve(['--adt-allow', '10.1.2.3'])).toThrow(/need --adt-port/);
  });
});

describe('--adt-allow at the listener', () => {
  async function listen(allow: string[]) {
    const logs: string[] = [];
    const listener = await startAdtListener({
      db: central.server.db,
      host: '127.0.0.1',
      port: 0,
      nowMs: Date.now,
      log: (line) => logs.push(line),
      allow,
    });
    return { listener, logs };
  }

  it('serves a sender on the list, and closes on one that is not, reading and storing nothing', async () => {
    const ours = await listen(['10.9.9.9', '127.0.0.0/8']);
    const client = mllpClient(ours.listener.port);
    try {
      const ack = ackView(
        await sendAdt(client, adtMessage('A04', 'ALLOW1', { mrn: 'TEST-ALLOWED' })),
      );
      expect(ack.code).toBe('AA');
    } finally {
      client.close?.();
      await ours.listener.close();
    }

    const theirs = await listen(['10.9.9.9']);
    try {
      const raw = await rawMllp(theirs.listener.port);
      const closed = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
      raw.write(framed(adtMessage('A01', 'DENY1', { mrn: 'TEST-DENIED' })));
      await closed;
      await expect(raw.nextAck(300)).rejects.toThrow();
      expect(await readCensusEntry(central.server.db, 'TEST-DENIED')).toBeNull();
      expect(theirs.logs).toEqual([
        'ADT connection from 127.0.0.1 refused: not in --adt-allow (logged once a minute).',
      ]);
    } finally {
      await theirs.listener.close();
    }
  });
});
