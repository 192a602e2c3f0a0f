// Base64 for binary payloads in the JSON contract (recordings), with atob/btoa that both browsers
// and Node provide, in slices so that long recordings do not overflow the call stack.
const SLICE_BYTES = 0x8000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
    parts.push(String.fromCharCode(...bytes.subarray(start, start + SLICE_BYTES)));
  }
  return btoa(parts.join(''));
}

/** Throws a RangeError for text that is not base64. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new RangeError('The text is not base64.');
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** How many base64 characters encode `byteCount` bytes. */
export function base64Length(byteCount: number): number {
  return Math.ceil(byteCount / 3) * 4;
}
