/**
 * The widget's visitor context (docs/chat.md "Visitor context"): what it tells the gateway
 * about the page and the visitor when a chat starts, the pre-chat form's fields, and the
 * host page's `window.Roomcast.identify(...)`.
 *
 * - `pageContext` reads the page URL, referrer and locale and keeps only what the
 *   gateway's schema accepts (checked by visitor-checks.ts: a URL over the limit is cut to it; a value that still fails,
 *   e.g. a `file:` page or an odd locale, is left out), so a strange page never stops a chat.
 * - `prechatFields` parses the script tag's `data-prechat` ("name email", "name,email",
 *   "email"; absent or "off": no form).
 * - `IdentityQueue`: the host page's latest identity. Given before the chat starts it goes
 *   with the start; given during the chat it is sent at once (`POST /widget/identify`); it
 *   also goes with every later start on this page ("Start a new chat"). Each answer is
 *   reported (`onResult`).
 */
import { MAX_VISITOR_URL_LENGTH, type ErrorBody, type VisitorContextInput, type VisitorIdentityInput } from "@roomcast/protocol";
import { checkVisitorIdentity, isLocale, isVisitorUrl } from "./visitor-checks";
import type { PrechatField } from "./widget-view";

export interface PageFacts {
  href: string;
  referrer: string;
  language: string | undefined;
}

/** The context to send, from the page's facts; fields the schema would refuse are dropped. */
export function pageContext(facts: PageFacts): VisitorContextInput {
  const context: VisitorContextInput = {};
  const pageUrl = facts.href.slice(0, MAX_VISITOR_URL_LENGTH);
  const referrer = facts.referrer.slice(0, MAX_VISITOR_URL_LENGTH);
  if (isVisitorUrl(pageUrl)) context.pageUrl = pageUrl;
  if (isVisitorUrl(referrer)) context.referrer = referrer;
  if (facts.language !== undefined && isLocale(facts.language)) context.locale = facts.language;
  return context;
}

export function prechatFields(attribute: string | undefined): PrechatField[] {
  if (attribute === undefined) return [];
  const words = attribute.toLowerCase().split(/[\s,]+/);
  return (["name", "email"] as const).filter((field) => words.includes(field));
}

/** What `identify` answers: verified or not, queued for the start, or refused with a code. */
export type IdentifyResult = { ok: true; verified: boolean } | { ok: true; queued: true } | { ok: false; error: ErrorBody };

export class IdentityQueue {
  private latest: VisitorIdentityInput | undefined;

  constructor(
    private readonly send: (identity: VisitorIdentityInput) => Promise<IdentifyResult>,
    private readonly onResult: (result: IdentifyResult) => void,
  ) {}

  /** Parses the host page's identity; sends it when a chat is open, else keeps it for the start. */
  async identify(payload: unknown, chatOpen: boolean): Promise<IdentifyResult> {
    const parsed = checkVisitorIdentity(payload);
    if (!parsed.ok) return { ok: false, error: { code: "invalid", message: parsed.message } };
    this.latest = parsed.identity;
    if (!chatOpen) return { ok: true, queued: true };
    const result = await this.send(parsed.identity);
    this.onResult(result);
    return result;
  }

  /** The identity a new chat starts with. */
  get current(): VisitorIdentityInput | undefined {
    return this.latest;
  }

  /** The start carried `sent` and the gateway answered `result`; an identity given meanwhile is sent now. */
  async started(sent: VisitorIdentityInput | undefined, result: IdentifyResult | undefined): Promise<void> {
    if (result !== undefined) this.onResult(result);
    const later = this.latest;
    if (later === undefined || later === sent) return;
    this.onResult(await this.send(later));
  }
}
