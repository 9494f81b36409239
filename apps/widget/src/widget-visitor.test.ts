import { MAX_VISITOR_URL_LENGTH, type VisitorIdentityInput } from "@roomcast/protocol";
import { IdentityQueue, pageContext, prechatFields, type IdentifyResult } from "./widget-visitor";

describe("pageContext", () => {
  it("sends page, referrer and locale", () => {
    expect(pageContext({ href: "https://shop.test/a", referrer: "https://search.test/", language: "fr-FR" })).toEqual({
      pageUrl: "https://shop.test/a",
      referrer: "https://search.test/",
      locale: "fr-FR",
    });
  });

  it("cuts a long URL to the limit and leaves out what the gateway would refuse", () => {
    const long = `https://shop.test/?q=${"x".repeat(3000)}`;
    const context = pageContext({ href: long, referrer: "file:///home/me/page.html", language: "not a locale" });
    expect(context).toEqual({ pageUrl: long.slice(0, MAX_VISITOR_URL_LENGTH) });
    expect(pageContext({ href: "", referrer: "", language: undefined })).toEqual({});
  });
});

describe("prechatFields", () => {
  it.each([
    [undefined, []],
    ["off", []],
    ["name", ["name"]],
    ["email", ["email"]],
    ["name email", ["name", "email"]],
    ["Email, Name", ["name", "email"]],
  ])("%j → %j", (attribute, fields) => {
    expect(prechatFields(attribute)).toEqual(fields);
  });
});

describe("IdentityQueue", () => {
  const identity = { userId: "u-42", userHash: "a".repeat(64) };

  function queue() {
    const sent: VisitorIdentityInput[] = [];
    const results: IdentifyResult[] = [];
    const q = new IdentityQueue(
      async (i) => {
        sent.push(i);
        return { ok: true, verified: true };
      },
      (r) => results.push(r),
    );
    return { q, sent, results };
  }

  it("keeps an identity given before the chat for the start (and the next ones), sending nothing itself", async () => {
    const { q, sent, results } = queue();
    await expect(q.identify(identity, false)).resolves.toEqual({ ok: true, queued: true });
    expect(q.current).toEqual(identity);
    await q.started(q.current, { ok: false, error: { code: "identity_unverified", message: "no" } });
    expect(q.current).toEqual(identity);
    expect(sent).toEqual([]);
    expect(results).toEqual([{ ok: false, error: { code: "identity_unverified", message: "no" } }]);
  });

  it("sends at once during a chat, and sends one given while the start was under way", async () => {
    const { q, sent, results } = queue();
    await expect(q.identify(identity, true)).resolves.toEqual({ ok: true, verified: true });
    expect(sent).toEqual([identity]);
    // Given while a start (without identity) was in flight: sent once the chat is there.
    await q.identify({ email: "ana@shop.test" }, false);
    await q.started(undefined, undefined);
    expect(sent).toEqual([identity, { email: "ana@shop.test" }]);
    expect(results).toHaveLength(2);
    // A later start that carries it sends nothing more.
    await q.started(q.current, undefined);
    expect(sent).toHaveLength(2);
  });

  it("refuses a malformed identity with invalid and keeps nothing", async () => {
    const { q, sent } = queue();
    const result = await q.identify({ name: "no id" }, false);
    expect(result).toEqual({ ok: false, error: { code: "invalid", message: "identity: give userId or email" } });
    expect(q.current).toBeUndefined();
    expect(sent).toEqual([]);
  });
});
