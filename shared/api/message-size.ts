// How large a request of the contract may be, read from the contract's own limits, so that the
// transports carry exactly what the contract accepts: a recording or a record the contract takes
// is never cut off by a transport, and a transport never buffers more than some request needs.
import { z } from 'zod';

/** A string field this long or longer carries bulk data (base64: one byte per character). */
export const BULK_FIELD_MIN_CHARS = 64 * 1024;
/** Room for everything in a message besides its bulk data: ids, names, times, the envelope. */
export const MESSAGE_ENVELOPE_BYTES = 64 * 1024;

/**
 * The characters of bulk data a value of `schema` may hold at most: the sum of its long strings'
 * maximum lengths (Infinity when a list of them has no maximum length).
 */
export function maxBulkChars(schema: z.ZodType): number {
  if (schema instanceof z.ZodString) {
    const max = schema.maxLength;
    return max !== null && max >= BULK_FIELD_MIN_CHARS ? max : 0;
  }
  if (schema instanceof z.ZodObject) {
    return Object.values(schema.shape as Record<string, z.ZodType>).reduce(
      (sum, field) => sum + maxBulkChars(field),
      0,
    );
  }
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  ) {
    return maxBulkChars(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodArray) {
    const perItem = maxBulkChars(schema.element as z.ZodType);
    if (perItem === 0) return 0;
    const maxItems = (schema.def.checks ?? [])
      .map((check) => check._zod.def as { check: string; maximum?: number })
      .find((def) => def.check === 'max_length')?.maximum;
    return maxItems === undefined ? Infinity : perItem * maxItems;
  }
  if (schema instanceof z.ZodUnion) {
    return Math.max(0, ...(schema.options as z.ZodType[]).map(maxBulkChars));
  }
  return 0;
}

/** The largest message a client may send for any of these requests, in bytes. */
export function maxRequestMessageBytes(inputs: readonly z.ZodType[]): number {
  return Math.max(0, ...inputs.map(maxBulkChars)) + MESSAGE_ENVELOPE_BYTES;
}
