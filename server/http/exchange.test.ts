// An answer given before the request's body was read (too large, unauthenticated): the client
// reads it (not a reset), the rest of the body is drained for a moment, then cut off; clients that
// go away meanwhile leave the server answering. (The timer that cuts a body off once found the
// request's socket gone, in a run of the whole suite in one process, and threw: it now checks.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from './exchange';

let server: Server;
let port: number;
const uncaught: unknown[] = [];
const keep = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', keep);
  server = createServer((req, res) => {
    // Refused at once, the body unread, as an unauthenticated push is.
    sendJson({ req, res, url: new URL(req.url ?? '/', 'http://x') } as never, 401, {
      refused: true,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  process.off('uncaughtException', keep);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answerThenLeave(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /api/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n' +
          'Content-Length: 100000\r\n\r\n' +
          'x'.repeat(1000),
      );
    });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      // The answer is in: the client goes away with most of its body unsent.
      if (text.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('an answer before the body', () => {
  it('is read by the client, and a client that then goes away breaks nothing', async () => {
    const answers = await Promise.all([answerThenLeave(), answerThenLeave(), answerThenLeave()]);
    for (const text of answers) expect(text).toMatch(/^HTTP\/1\.1 401 /);
    // Past the 2 s after which an unfinished body would be cut off.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(uncaught).toEqual([]);
    // The server still answers.
    expect(await answerThenLeave()).toMatch(/^HTTP\/1\.1 401 /);
  });
});
