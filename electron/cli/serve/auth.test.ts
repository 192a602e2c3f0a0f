// The browser shell's access rules as pure functions of a request's headers.
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import {
  changeRefusal,
  cookieTokens,
  socketRefusal,
  tokenSource,
  tokenWeakness,
  type TokenSource,
} from './auth';

const TOKEN = 'Zk3-q9_Lm2.xP7~aB4cD';
const HOST = '127.0.0.1:4318';

function req(headers: Record<string, string>): IncomingMessage {
  return { headers: { host: HOST, ...headers } } as unknown as IncomingMessage;
}
const url = (query = '') => new URL(`http://${HOST}/api/ws${query}`);

describe('the token a request shows', () => {
  it('reads every token cookie, skipping a malformed one instead of throwing', () => {
    expect(cookieTokens(undefined)).toEqual([]);
    expect(cookieTokens('workstation_token=%E0%A4%A')).toEqual([]);
    expect(cookieTokens(`workstation_token=%E0%A4%A; workstation_token=${TOKEN}`)).toEqual([TOKEN]);
    expect(cookieTokens(`theme=night; workstation_token=a%3Db; other=workstation_token`)).toEqual([
      'a=b',
    ]);
    expect(cookieTokens('workstation_token')).toEqual([]);
  });

  it('says where the right token came from, and null for a wrong or planted one', () => {
    expect(tokenSource(req({ authorization: `Bearer ${TOKEN}` }), url(), TOKEN)).toBe('header');
    expect(tokenSource(req({}), url(`?token=${TOKEN}`), TOKEN)).toBe('query');
    expect(tokenSource(req({ cookie: `workstation_token=${TOKEN}` }), url(), TOKEN)).toBe('cookie');
    expect(tokenSource(req({ cookie: 'workstation_token=%E0%A4%A' }), url(), TOKEN)).toBeNull();
    expect(tokenSource(req({ authorization: 'Bearer wrong' }), url('?token=nope'), TOKEN)).toBe(
      null,
    );
    // A wrong header does not hide the right cookie: a page cannot lock the nurse out that way.
    expect(
      tokenSource(
        req({ authorization: 'Bearer wrong', cookie: `workstation_token=${TOKEN}` }),
        url(),
        TOKEN,
      ),
    ).toBe('cookie');
  });
});

describe('a request that changes something', () => {
  const own = `http://${HOST}`;
  const json = 'application/json';
  const cases: Array<[string, Record<string, string>, TokenSource, number | null]> = [
    ['the shell’s own page, as JSON', { origin: own, 'content-type': json }, 'cookie', null],
    [
      'the shell’s own page, JSON with a charset',
      { origin: own, 'content-type': 'Application/JSON; charset=utf-8' },
      'cookie',
      null,
    ],
    ['a script with the token in its header', { 'content-type': json }, 'header', null],
    ['a script with the token in the address', { 'content-type': json }, 'query', null],
    ['no Origin and only the cookie', { 'content-type': json }, 'cookie', 403],
    [
      'a page on another port',
      { origin: 'http://127.0.0.1:8080', 'content-type': json },
      'cookie',
      403,
    ],
    ['an opaque origin', { origin: 'null', 'content-type': json }, 'cookie', 403],
    [
      'localhost for 127.0.0.1',
      { origin: 'http://localhost:4318', 'content-type': json },
      'cookie',
      403,
    ],
    ['a form post', { origin: own, 'content-type': 'text/plain' }, 'cookie', 415],
    ['no content type', { origin: own }, 'cookie', 415],
    [
      'a same-site fetch (another port)',
      { origin: own, 'content-type': json, 'sec-fetch-site': 'same-site' },
      'cookie',
      403,
    ],
    [
      'a same-origin fetch',
      { origin: own, 'content-type': json, 'sec-fetch-site': 'same-origin' },
      'cookie',
      null,
    ],
  ];
  for (const [what, headers, source, status] of cases) {
    it(`${status === null ? 'allows' : `refuses (${status})`} ${what}`, () => {
      expect(changeRefusal(req(headers), source)?.status ?? null).toBe(status);
    });
  }

  it('holds a WebSocket to the same origin rule, whatever its content type', () => {
    expect(socketRefusal(req({ origin: `http://${HOST}` }), 'cookie')).toBeNull();
    expect(socketRefusal(req({}), 'query')).toBeNull();
    expect(socketRefusal(req({}), 'cookie')?.status).toBe(403);
    expect(socketRefusal(req({ origin: 'http://127.0.0.1:1' }), 'query')?.status).toBe(403);
  });
});

describe('--token', () => {
  it('refuses short, long, oddly spelled or repetitive tokens, with what to do', () => {
    expect(tokenWeakness('e2e-token')).toMatch(/16 to 256 characters long \(it has 9\)/);
    expect(tokenWeakness('x'.repeat(257))).toMatch(/it has 257/);
    expect(tokenWeakness('correct horse battery staple')).toMatch(/only letters, digits/);
    expect(tokenWeakness('abababababababababab')).toMatch(/too few different characters/);
    expect(tokenWeakness('aaaaaaaaaaaaaaaa')).toMatch(/leave it out and a strong one is made/);
  });

  it('takes a token like the ones the workstation makes', () => {
    expect(tokenWeakness(TOKEN)).toBeNull();
    expect(tokenWeakness('e2e-token-for-tests-only')).toBeNull();
  });
});
