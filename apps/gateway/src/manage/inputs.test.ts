import { emailInput, originInput, originsInput, parseInput, passwordInput, tenantIdInput } from "./inputs";
import { ManageError } from "./manage-error";

describe("management inputs", () => {
  it.each([
    ["https://shop.acme.test", "https://shop.acme.test"],
    ["https://shop.acme.test/", "https://shop.acme.test"],
    ["  HTTPS://Shop.Acme.Test:8443 ", "https://shop.acme.test:8443"],
    ["http://127.0.0.1:5173", "http://127.0.0.1:5173"],
    ["https://shop.acme.test:443", "https://shop.acme.test"],
  ])("reduces %j to the origin %j", (input, origin) => {
    expect(originInput.parse(input)).toBe(origin);
  });

  it.each(["shop.acme.test", "ftp://shop.acme.test", "https://shop.acme.test/path", "https://shop.acme.test/?q=1", "https://u:p@shop.acme.test", "javascript:alert(1)", ""])(
    "refuses %j as an origin",
    (input) => {
      expect(originInput.safeParse(input).success).toBe(false);
    },
  );

  it("deduplicates origins after normalising them", () => {
    expect(originsInput.parse(["https://a.test", "https://a.test/", "https://b.test"])).toEqual(["https://a.test", "https://b.test"]);
  });

  it("lower-cases emails and refuses what is not one", () => {
    expect(emailInput.parse(" Ana@Shop.Test ")).toBe("ana@shop.test");
    expect(emailInput.safeParse("ana").success).toBe(false);
    expect(emailInput.safeParse("ana@").success).toBe(false);
  });

  it("takes passwords of 8 to 72 bytes", () => {
    expect(passwordInput.safeParse("short").success).toBe(false);
    expect(passwordInput.safeParse("long enough").success).toBe(true);
    expect(passwordInput.safeParse("é".repeat(36)).success).toBe(true);
    expect(passwordInput.safeParse("é".repeat(37)).success).toBe(false);
  });

  it("refuses tenant ids outside ID_PATTERN and the reserved operator tenant", () => {
    expect(tenantIdInput.safeParse("acme_1").success).toBe(true);
    expect(tenantIdInput.safeParse("a:b").success).toBe(false);
    expect(tenantIdInput.safeParse("_deployment").success).toBe(false);
  });

  it("parseInput throws ManageError invalid naming the field", () => {
    expect(() => parseInput(emailInput, "nope", "email")).toThrow(ManageError);
    try {
      parseInput(emailInput, "nope", "email");
    } catch (error) {
      expect(error).toMatchObject({ code: "invalid", message: expect.stringMatching(/^email: must be an email address/) });
    }
  });
});
