/**
 * Visitor context (docs/chat.md "Visitor context"): what the widget sends about its visitor
 * when a chat starts — the page, its referrer, the browser's locale, the pre-chat form's
 * name and e-mail — and the host page's `identify({ userId, name, email, userHash })`.
 *
 * Everything here comes from a browser and is untrusted: each field is bounded and
 * checked by these schemas (strict: an unknown key is an error) before anything stores it.
 * URLs must be absolute http(s) (so a console can link them without a `javascript:` URL);
 * the locale is a BCP 47 tag. Whether an identity is trusted is decided by the chat domain
 * (HMAC check against the tenant's identity secret), never by these schemas.
 */
import { z } from "zod";

import {
  LOCALE_PATTERN,
  MAX_LOCALE_LENGTH,
  MAX_VISITOR_EMAIL_LENGTH,
  MAX_VISITOR_NAME_LENGTH,
  MAX_VISITOR_URL_LENGTH,
  MAX_VISITOR_USER_ID_LENGTH,
  USER_HASH_PATTERN,
} from "./patterns";

const httpUrl = z
  .string()
  .max(MAX_VISITOR_URL_LENGTH, `at most ${MAX_VISITOR_URL_LENGTH} characters`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL");

export const visitorNameSchema = z.string().trim().min(1).max(MAX_VISITOR_NAME_LENGTH);
export const visitorEmailSchema = z.email({ error: "must be an e-mail address" }).max(MAX_VISITOR_EMAIL_LENGTH);

/** Where the chat started: sent by the widget with `POST /widget/sessions` as `context`. */
export const visitorContextSchema = z
  .object({
    pageUrl: httpUrl.optional(),
    /** `document.referrer`; an empty string (no referrer) is the same as none. */
    referrer: z.union([z.literal(""), httpUrl]).optional(),
    locale: z.string().max(MAX_LOCALE_LENGTH).regex(LOCALE_PATTERN, "must be a BCP 47 language tag").optional(),
  })
  .strict();
export type VisitorContextInput = z.output<typeof visitorContextSchema>;

/**
 * The host page's `identify(...)`. `userHash` is hex HMAC-SHA256(identity secret, userId),
 * or of the e-mail when there is no userId, the exact string sent.
 */
export const visitorIdentitySchema = z
  .object({
    userId: z.string().min(1).max(MAX_VISITOR_USER_ID_LENGTH).regex(/^[^\s]+$/, "must not contain spaces").optional(),
    name: visitorNameSchema.optional(),
    email: visitorEmailSchema.optional(),
    userHash: z.string().regex(USER_HASH_PATTERN, "must be 64 hex digits (HMAC-SHA256)").optional(),
  })
  .strict()
  .refine((identity) => identity.userId !== undefined || identity.email !== undefined, "give userId or email");
export type VisitorIdentityInput = z.output<typeof visitorIdentitySchema>;

/** The visitor context of a session, as staff see it in `ChatSessionView.visitor`. */
export interface VisitorContextView {
  pageUrl: string | null;
  referrer: string | null;
  locale: string | null;
  /** Lower-cased. */
  email: string | null;
  /** The host site's user id (from `identify`). */
  userId: string | null;
  /** True only when the identity's userHash matched the tenant's identity secret. */
  verified: boolean;
}

/** One earlier session of the same visitor (`GET /chat/sessions/:id/visitor`). */
export interface VisitorHistoryItem {
  id: string;
  visitorName: string;
  status: "waiting" | "active" | "ended";
  messageCount: number;
  createdAt: string;
  /** Whether that session's identity was verified. */
  verified: boolean;
  /** How it was matched: the same verified user id, or the same e-mail. */
  match: "user" | "email";
}
