/**
 * The protocol's patterns and limits as plain values, with no zod: the schemas (rooms.ts,
 * payloads.ts, visitor.ts) build on them, and the browser's narrow checks
 * (@roomcast/client wire.ts and requests.ts, the widget) use the same values without
 * bundling zod. The package is `sideEffects: false`, so a browser bundle that imports only
 * these (and the other zod-free modules) carries no schema.
 */

/** Tenant ids and topics: excludes the `:` separator of stream names (rooms.ts). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
/** At most this many `types` or `sources` in one subscription filter. */
export const FILTER_LIST_MAX = 32;
/** Longest `source` (who published an event). */
export const SOURCE_MAX_LENGTH = 128;

/** Longest page URL or referrer, in characters (the widget trims longer ones before sending). */
export const MAX_VISITOR_URL_LENGTH = 2048;
/** Longest locale tag (BCP 47 practical limit). */
export const MAX_LOCALE_LENGTH = 35;
export const MAX_VISITOR_EMAIL_LENGTH = 254;
export const MAX_VISITOR_USER_ID_LENGTH = 128;
export const MAX_VISITOR_NAME_LENGTH = 80;
/** A userHash is hex HMAC-SHA256: 64 hex digits. */
export const USER_HASH_PATTERN = /^[0-9a-fA-F]{64}$/;
/** A BCP 47 language tag, loosely: the widget sends `navigator.language`. */
export const LOCALE_PATTERN = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
