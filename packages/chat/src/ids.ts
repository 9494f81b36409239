/** Random ids that match the protocol's ID_PATTERN, with a readable prefix (`s_…`, `v_…`). */
import { randomBytes } from "node:crypto";

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString("base64url")}`;
}
