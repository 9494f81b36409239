import { MAX_VISITOR_URL_LENGTH } from "./patterns";
import { visitorContextSchema, visitorIdentitySchema } from "./visitor";

const url = (length: number) => {
  const base = "https://shop.test/p?q=";
  return base + "x".repeat(length - base.length);
};

describe("visitorContextSchema", () => {
  it("accepts a page, a referrer and a locale", () => {
    const context = { pageUrl: "https://shop.test/cart?x=1#top", referrer: "http://search.test/?q=shoes", locale: "fr-FR" };
    expect(visitorContextSchema.parse(context)).toEqual(context);
    expect(visitorContextSchema.parse({})).toEqual({});
    expect(visitorContextSchema.parse({ referrer: "" })).toEqual({ referrer: "" });
  });

  it("bounds URLs to MAX_VISITOR_URL_LENGTH", () => {
    expect(visitorContextSchema.safeParse({ pageUrl: url(MAX_VISITOR_URL_LENGTH) }).success).toBe(true);
    const tooLong = visitorContextSchema.safeParse({ pageUrl: url(MAX_VISITOR_URL_LENGTH + 1) });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.path).toEqual(["pageUrl"]);
  });

  it.each(["javascript:alert(1)", "file:///etc/passwd", "/relative/path", "not a url", "data:text/html,hi"])("refuses %s as a page or referrer", (value) => {
    expect(visitorContextSchema.safeParse({ pageUrl: value }).success).toBe(false);
    expect(visitorContextSchema.safeParse({ referrer: value }).success).toBe(false);
  });

  it.each(["en", "fr-FR", "zh-Hans-CN", "de-CH-1996"])("accepts the locale %s", (locale) => {
    expect(visitorContextSchema.safeParse({ locale }).success).toBe(true);
  });

  it.each(["fr_FR", "e", "en-", "<script>", "x".repeat(36), ""])("refuses the locale %j", (locale) => {
    expect(visitorContextSchema.safeParse({ locale }).success).toBe(false);
  });

  it("refuses unknown keys and non-strings", () => {
    expect(visitorContextSchema.safeParse({ pageUrl: "https://a.test/", userAgent: "x" }).success).toBe(false);
    expect(visitorContextSchema.safeParse({ pageUrl: 42 }).success).toBe(false);
  });
});

describe("visitorIdentitySchema", () => {
  const hash = "a".repeat(64);

  it("accepts a userId or an e-mail, with name and userHash", () => {
    expect(visitorIdentitySchema.parse({ userId: "u-42", name: " Ana ", email: "ana@shop.test", userHash: hash })).toEqual({ userId: "u-42", name: "Ana", email: "ana@shop.test", userHash: hash });
    expect(visitorIdentitySchema.safeParse({ email: "ana@shop.test" }).success).toBe(true);
  });

  it("needs userId or email", () => {
    const result = visitorIdentitySchema.safeParse({ name: "Ana", userHash: hash });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("give userId or email");
  });

  it.each([
    ["a short hash", { userId: "u", userHash: "abc" }],
    ["a non-hex hash", { userId: "u", userHash: "z".repeat(64) }],
    ["a bad e-mail", { email: "not-an-email" }],
    ["a userId with spaces", { userId: "u 1" }],
    ["a long userId", { userId: "u".repeat(129) }],
    ["a long name", { userId: "u", name: "n".repeat(81) }],
    ["an unknown key", { userId: "u", admin: true }],
  ])("refuses %s", (_label, identity) => {
    expect(visitorIdentitySchema.safeParse(identity).success).toBe(false);
  });
});
