// Byte helpers for the driver and simulator tests: spec hex dumps, ASCII noise, concatenation.

/** `'0A FA 16'` → bytes, as the protocol notes write them. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(/\s+/).map((byte) => parseInt(byte, 16)));
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function join(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
