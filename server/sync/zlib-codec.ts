// The push frame's compression on Node: raw deflate, and inflate bounded so that a small frame
// cannot expand into a huge header (a zip bomb).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PushCodec } from '../../shared/sync/push-frame';

export const zlibPushCodec: PushCodec = {
  compress: (bytes) => deflateRawSync(bytes),
  decompress: (bytes, maxBytes) => inflateRawSync(bytes, { maxOutputLength: maxBytes }),
};
