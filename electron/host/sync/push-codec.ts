// The push frame's compression on Node (shared/sync/push-frame.ts takes it injected): raw
// deflate. Level 1: a frame's header is row JSON, which level 1 already shrinks ~20-fold, and it
// is made on the host's main thread, where every millisecond is taken from live monitoring.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PushCodec } from '../../../shared/sync/push-frame';

export const pushCodec: PushCodec = {
  compress: (bytes) => deflateRawSync(bytes, { level: 1 }),
  // maxOutputLength makes zlib throw (RangeError) rather than inflate a bomb.
  decompress: (bytes, maxBytes) => inflateRawSync(bytes, { maxOutputLength: maxBytes }),
};
