/**
 * What the management use cases accept, as zod schemas: both transports (CLI arguments,
 * HTTP bodies) hand their raw input to the same use case, which parses it with these.
 * Ids follow the protocol's ID_PATTERN; an origin is an http(s) URL reduced to its origin;
 * emails are stored in lower case; a password is 8 to 72 bytes (bcrypt reads no more).
 */
import { idSchema } from "@roomcast/protocol";
import { z } from "zod";
import { OPERATOR_TENANT } from "./actor";
import { ManageError } from "./manage-error";
import { describeIssues } from "../validation/describe-issues";

export const tenantIdInput = idSchema.refine((id) => id !== OPERATOR_TENANT, `${OPERATOR_TENANT} is reserved for deployment operator tokens`);

export const nameInput = z.string().trim().min(1, "must not be empty").max(200);

export const originInput = z
  .string()
  .trim()
  .max(2048)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(value.slice(0, 100))} is not a URL (e.g. https://shop.example.com)` });
      return z.NEVER;
    }
    const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !bare) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(value.slice(0, 100))} is not an origin: give scheme://host[:port] with http or https, no path` });
      return z.NEVER;
    }
    return url.origin;
  });

export const originsInput = z.array(originInput).max(100).transform((origins) => [...new Set(origins)]);

export const emailInput = z.string().trim().toLowerCase().max(254).pipe(z.email("must be an email address"));

export const staffRoleInput = z.enum(["agent", "admin"], "must be agent or admin");

export const passwordInput = z
  .string()
  .min(8, "must be at least 8 characters")
  .refine((pw) => Buffer.byteLength(pw, "utf8") <= 72, "must be at most 72 bytes (bcrypt ignores the rest)");

const limitValue = z.number().int().positive().max(10_000_000).nullable();
export const limitsInput = z
  .object({ maxConnections: limitValue.optional(), eventsPerSecond: limitValue.optional(), socketEvents: limitValue.optional() })
  .strict();

/** Parses `input` or throws `ManageError("invalid")` naming what is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ManageError("invalid", `${what}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
