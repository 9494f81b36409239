import { assertOperator, assertTenantAccess, isOperator, OPERATOR_TENANT, scopeOf, type Actor } from "./actor";
import { ManageError } from "./manage-error";

const cli: Actor = { kind: "cli", user: "ops" };
const operator: Actor = { kind: "token", sub: "ops", tenant: OPERATOR_TENANT, role: "admin" };
const acmeAdmin: Actor = { kind: "token", sub: "boss", tenant: "acme", role: "admin" };
const acmeAgent: Actor = { kind: "token", sub: "ana", tenant: "acme", role: "agent" };
const operatorAgent: Actor = { kind: "token", sub: "x", tenant: OPERATOR_TENANT, role: "agent" };

const refusal = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ManageError ? error.code : "thrown";
  }
};

describe("management actors", () => {
  it.each([
    ["the CLI", cli, true, undefined],
    ["an operator token", operator, true, undefined],
    ["a tenant admin", acmeAdmin, false, "acme"],
    ["an agent of the operator tenant", operatorAgent, false, OPERATOR_TENANT],
  ])("%s: operator %s, scope %s", (_name, actor, operatorOrNot, scope) => {
    expect(isOperator(actor)).toBe(operatorOrNot);
    expect(scopeOf(actor)).toBe(scope);
  });

  it.each([
    ["the CLI on any tenant", cli, "globex", undefined],
    ["an operator on any tenant", operator, "globex", undefined],
    ["a tenant admin on its own tenant", acmeAdmin, "acme", undefined],
    ["a tenant admin on another tenant", acmeAdmin, "globex", "forbidden"],
    ["an agent on its own tenant", acmeAgent, "acme", "forbidden"],
  ])("tenant access: %s", (_name, actor, tenant, code) => {
    expect(refusal(() => assertTenantAccess(actor, tenant))).toBe(code);
  });

  it("only operators pass assertOperator", () => {
    expect(refusal(() => assertOperator(cli, "x"))).toBeUndefined();
    expect(refusal(() => assertOperator(operator, "x"))).toBeUndefined();
    expect(refusal(() => assertOperator(acmeAdmin, "x"))).toBe("forbidden");
    expect(refusal(() => assertOperator(operatorAgent, "x"))).toBe("forbidden");
  });
});
