/**
 * Limits on an event's `data`, the same for every writer and for the relay, so that what
 * `publish()` accepts is what the relay can emit:
 * - MAX_EVENT_DATA_BYTES: UTF-8 bytes of `data` as compact JSON (publish refuses more
 *   with `payload_too_large`; the outbox table's CHECK refuses jsonb text over twice that,
 *   since jsonb's text form adds a space after each separator).
 * - MAX_EVENT_DATA_DEPTH: nesting of arrays and objects (Socket.IO's encoders recurse, so
 *   a deeper value could never be emitted).
 *
 * `jsonTextDepth` measures the nesting of JSON text without parsing it (one pass over the
 * characters, skipping strings), so the relay checks an event it read as text without
 * encoding it a second time.
 */
export const MAX_EVENT_DATA_BYTES = 256 * 1024;
/** jsonb's text form of data within MAX_EVENT_DATA_BYTES stays within this. */
export const MAX_STORED_DATA_BYTES = 2 * MAX_EVENT_DATA_BYTES;
export const MAX_EVENT_DATA_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Deepest nesting of arrays/objects in JSON text (0 for a scalar). Assumes well-formed JSON. */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** Why `data` (as JSON text) cannot be an event, or undefined when it can. */
export function eventDataProblem(json: string, maxBytes = MAX_EVENT_DATA_BYTES): { code: "payload_too_large" | "invalid"; message: string } | undefined {
  // Cheap bound first: a UTF-8 byte is at least one UTF-16 unit, at most three per unit.
  if (json.length > maxBytes || (json.length * 3 > maxBytes && utf8Length(json) > maxBytes)) {
    return { code: "payload_too_large", message: `data is over ${maxBytes} bytes as JSON` };
  }
  if (jsonTextDepth(json) > MAX_EVENT_DATA_DEPTH) {
    return { code: "invalid", message: `data is nested deeper than ${MAX_EVENT_DATA_DEPTH} levels` };
  }
  return undefined;
}

/** UTF-8 length of a string (no encoder: this package also runs in browsers). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
