// Test support: requests to the central server over real loopback HTTP(S), answers read whole.
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Uint8Array | string | object;
  /** A CA to trust for https (the test's own). */
  ca?: string | Buffer;
  /** Send no x-sync-protocol header. */
  noProtocol?: boolean;
}

export function call(base: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const body =
    options.body === undefined
      ? undefined
      : options.body instanceof Uint8Array || typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: OutgoingHttpHeaders = {
    ...(options.noProtocol ? {} : { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL) }),
    ...(options.body !== undefined &&
    !(options.body instanceof Uint8Array) &&
    typeof options.body !== 'string'
      ? { 'content-type': 'application/json' }
      : {}),
    ...options.headers,
  };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ca: options.ca,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: the test looks at text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
