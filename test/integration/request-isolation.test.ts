// Whatever a future bug throws in a request path, the bedside keeps monitoring. A child process
// runs the real workstation and browser shell with bugs planted in its request path (see
// test/support/faulty-workstation.ts); its bed is a HealthyPi 5 simulator at HR 190 on a real
// pseudo-terminal, so a high-priority tachycardia alarm sounds. Every planted bug is hit, over HTTP and
// over the WebSocket, again and again: each answers its own request with "internal" (logged with
// the request), while the bed's samples keep arriving and its alarm keeps sounding, and the
// process is still there at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BedLiveEvent } from '../../shared/api/contract';
import { ServerMessage, serverMessagesIn } from '../../shared/api/wire';

const CHILD = join(import.meta.dirname, '..', 'support', 'faulty-workstation.ts');
const FAULTY_TOKEN = 'faulty-workstation-token-01';

/** The requests that meet a planted bug, with params that pass the contract. */
const PLANTED: Array<[string, unknown]> = [
  ['listStrips', { bedId: 'bed-1' }],
  ['listSoundRecordings', { bedId: 'bed-1' }],
  ['getStrip', { id: 'strip-1' }],
  ['getSoundRecording', { id: 'recording-1' }],
  ['listPorts', {}],
  ['getTrend', {}],
];

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a bug in a request path', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let base: URL;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-faulty-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>W</title>');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './test/support/raw-import.mjs', CHILD, dir, FAULTY_TOKEN],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await until(
      () => {
        if (child.exitCode !== null) throw new Error(`the workstation ended:\n${output}`);
        return /ready (\S+)/.exec(output)?.[1];
      },
      'the workstation',
      60_000,
    );
    base = new URL(url);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers that request only: samples keep arriving, the alarm keeps sounding, the process lives', async () => {
    const ws = new WebSocket(`ws://${base.host}/api/ws?token=${FAULTY_TOKEN}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const sampleTimes: number[] = [];
    let sounding: string | null = null;
    let alarmCodes: string[] = [];
    const replies = new Map<number, ServerMessage>();
    ws.on('message', (data) => {
      for (const one of serverMessagesIn(JSON.parse(String(data))))
        receive(ServerMessage.parse(one));
    });
    const receive = (message: ServerMessage) => {
      if (message.type !== 'event') {
        if (message.id !== null) replies.set(message.id, message);
        return;
      }
      if (message.id !== 1) return;
      const event = BedLiveEvent.parse(message.event);
      if (event.type === 'samples') sampleTimes.push(Date.now());
      if (event.type === 'snapshot') {
        sounding = event.bed.alarmAudio.sounding;
        alarmCodes = event.bed.alarms.map((alarm) => alarm.code);
      }
      if (event.type === 'alarms') {
        sounding = event.audio.sounding;
        alarmCodes = event.alarms.map((alarm) => alarm.code);
      }
    };
    ws.send(
      JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId: 'bed-1' } }),
    );
    await until(() => (sounding === 'high' ? true : undefined), 'the HR alarm to sound');
    expect(alarmCodes).toContain('HR_HIGH');

    // The barrage: every planted bug, 10 times over, on both transports, and two bad streams.
    const barrageStartedMs = Date.now();
    let id = 100;
    const wsIds: number[] = [];
    const httpAnswers: Array<Promise<{ status: number; body: unknown }>> = [];
    for (let round = 0; round < 10; round++) {
      for (const [method, params] of PLANTED) {
        wsIds.push(++id);
        ws.send(JSON.stringify({ type: 'request', id, method, params }));
        httpAnswers.push(
          fetch(`${base.origin}/api/${method}`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${FAULTY_TOKEN}`,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify(params),
          })
            .then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }))
            // A dead workstation shows here, with what it printed last.
            .catch((error: unknown) => ({
              status: 0,
              body: `${String(error)}\n${output.slice(-3000)}`,
            })),
        );
      }
      for (const bedId of ['planted-throw', 'planted-bigint']) {
        wsIds.push(++id);
        ws.send(JSON.stringify({ type: 'subscribe', id, stream: 'bedLive', params: { bedId } }));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Every reply is a well-formed error for its own request.
    for (const answer of await Promise.all(httpAnswers)) {
      expect(answer).toEqual({
        status: 500,
        body: { error: expect.objectContaining({ code: 'internal' }) },
      });
    }
    const throwingStreams = wsIds.filter((_, i) => i % (PLANTED.length + 2) === PLANTED.length);
    const expectedReplies = wsIds.filter(
      (_, i) => i % (PLANTED.length + 2) !== PLANTED.length + 1, // the BigInt stream stays open
    );
    await until(
      () => (expectedReplies.every((replyId) => replies.has(replyId)) ? true : undefined),
      'every reply',
    );
    for (const replyId of expectedReplies) {
      expect(replies.get(replyId), `reply ${replyId}`).toMatchObject({
        type: 'error',
        id: replyId,
        error: { code: 'internal' },
      });
    }
    expect(throwingStreams.length).toBe(10);

    // The bed goes on: samples in every half second since the barrage began, the alarm sounding.
    const afterMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (let from = barrageStartedMs; from < afterMs + 2000 - 500; from += 500) {
      const inWindow = sampleTimes.filter((t) => t >= from && t < from + 500).length;
      expect(
        inWindow,
        `samples between +${from - barrageStartedMs} ms and +500 ms`,
      ).toBeGreaterThan(0);
    }
    expect(sounding).toBe('high');
    expect(alarmCodes).toContain('HR_HIGH');
    const status = await fetch(`${base.origin}/api/status`, {
      headers: { Authorization: `Bearer ${FAULTY_TOKEN}` },
    });
    expect(status.status).toBe(200);
    ws.close();

    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    // Logged with the request that caused each.
    expect(output).toContain('log: api: listStrips failed (params: {"bedId":"bed-1"}, by browser)');
    expect(output).toContain(
      'log: browser shell: POST /api/getSoundRecording failed: TypeError: Do not know how to serialize a BigInt',
    );
    expect(output).toMatch(
      /log: browser shell: a response for id \d+ could not be sent: TypeError: Converting circular structure/,
    );
    expect(output).toContain(
      'log: browser shell: POST /api/getTrend failed: Error: thrown before any promise',
    );
    expect(output).toMatch(
      /log: browser shell: request \d+ \(getTrend\) failed: Error: thrown before any promise/,
    );
    expect(output).toContain(
      'log: api: bedLive subscription failed (params: {"bedId":"planted-throw"})',
    );
    expect(output).toContain(
      'log: api: bedLive event not sent (params: {"bedId":"planted-bigint"})',
    );
  });
});
