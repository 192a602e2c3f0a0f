// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter, then random bits. Ids sort by
// creation time, which keeps append-only tables and the sync outbox in order: within one
// millisecond too, since the counter (RFC 9562 §6.2, method 1) goes up with every id made in it.

/** The millisecond of the last id made "now", and its counter. */
let lastMs = -1;
let counter = 0;
/** A time further back than this is an explicit older time (an imported record's), not now. */
const NOW_WINDOW_MS = 10;

export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const requested = Math.max(0, Math.floor(nowMs));
  let ms = requested;
  let ordered = true;
  if (requested > lastMs) {
    // A new millisecond: the counter starts at a random point in its lower half, leaving room.
    lastMs = requested;
    counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
  } else if (requested >= lastMs - NOW_WINDOW_MS) {
    counter += 1;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next one rather than break the order.
      lastMs += 1;
      counter = 0;
    }
    ms = lastMs;
  } else ordered = false; // an older time given on purpose: no order is promised with now's ids
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ordered ? 0x70 | (counter >> 8) : (bytes[6]! & 0x0f) | 0x70;
  if (ordered) bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
