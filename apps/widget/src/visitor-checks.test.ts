import { visitorContextSchema, visitorIdentitySchema } from "@roomcast/protocol";
import { checkVisitorIdentity, isLocale, isVisitorUrl } from "./visitor-checks";

describe("visitor checks agree with the protocol's visitor schemas", () => {
  it.each(["https://shop.test/a?b=1", "http://localhost:3000/demo", "file:///etc/passwd", "javascript:alert(1)", "not a url", `https://shop.test/${"x".repeat(2100)}`])(
    "URL %s",
    (url) => {
      expect(isVisitorUrl(url)).toBe(visitorContextSchema.safeParse({ pageUrl: url }).success);
    },
  );

  it.each(["en", "fr-FR", "zh-Hant-TW", "not a locale", "x", `en-${"a".repeat(40)}`])("locale %s", (locale) => {
    expect(isLocale(locale)).toBe(visitorContextSchema.safeParse({ locale }).success);
  });

  it.each([
    { userId: "u-42", userHash: "a".repeat(64) },
    { email: "ana@shop.test", name: "  Ana  " },
    { userId: "u 42" },
    { userId: "" },
    { name: "no id" },
    { email: "not-an-email" },
    { userId: "u1", userHash: "xyz" },
    { userId: "u1", name: "" },
    { userId: "u1", role: "admin" },
    "u1",
    null,
  ])("identity %j", (identity) => {
    const checked = checkVisitorIdentity(identity);
    const parsed = visitorIdentitySchema.safeParse(identity);
    expect(checked.ok).toBe(parsed.success);
    if (checked.ok && parsed.success) expect(checked.identity).toEqual(parsed.data);
  });

  it("names the field in a refusal", () => {
    expect(checkVisitorIdentity({ userId: "u1", userHash: "xyz" })).toEqual({ ok: false, message: "userHash: must be 64 hex digits (HMAC-SHA256)" });
    expect(checkVisitorIdentity({ name: "no id" })).toEqual({ ok: false, message: "identity: give userId or email" });
  });
});
