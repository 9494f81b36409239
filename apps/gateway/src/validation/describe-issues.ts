/**
 * The one place the gateway turns zod issues into the message of an `invalid` reply (HTTP
 * and socket acks alike): `<field>: <rule>`, naming the field and the limit it broke —
 * `events: at most 500`, `text: at most 4000 characters`, `status: must be one of online,
 * away`, `name: required` — without echoing the input back. A message the schema's author
 * wrote (`.refine(…, "must be waiting, active or ended")`) is kept as written; zod's own
 * English defaults ("Too big: expected array to have <=500 items") are replaced.
 */
import type { z } from "zod";

export type DescribableIssue = z.core.$ZodIssue;

/** At most this many issues are described; a reply names the first few problems, not all. */
const MAX_ISSUES = 3;

export function describeIssues(issues: readonly DescribableIssue[]): string {
  return issues
    .slice(0, MAX_ISSUES)
    .map((issue) => {
      const rule = describeIssue(issue);
      return issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${rule}` : rule;
    })
    .join("; ");
}

/** zod's English default messages start like this; anything else was written by a schema's author. */
const ZOD_DEFAULT = /^(Too big|Too small|Invalid input|Invalid option|Invalid string|Invalid number|Invalid key|Invalid element|Unrecognized key)/;

/** The rule an issue broke, e.g. `at most 500`; the author's message when there is one. */
export function describeIssue(issue: DescribableIssue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  const unit = (origin: unknown) => (origin === "string" ? " characters" : "");
  switch (issue.code) {
    case "too_big":
      if (issue.inclusive === false) return `less than ${String(issue.maximum)}${unit(issue.origin)}`;
      return `at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) return "must not be empty";
      if (issue.inclusive === false) return `more than ${String(issue.minimum)}${unit(issue.origin)}`;
      return `at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case "invalid_type":
      return / received undefined$/.test(issue.message) ? "required" : `must be ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => String(value)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.slice(0, MAX_ISSUES).map((key) => key.slice(0, 64)).join(", ")}`;
    case "invalid_format":
      return issue.format === "regex" && issue.pattern !== undefined ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_union":
      return "matches none of the accepted forms";
    case "invalid_key":
      return "has an invalid key";
    case "invalid_element":
      return "has an invalid element";
    case "custom":
      return issue.message;
  }
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}
