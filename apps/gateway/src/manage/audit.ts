/**
 * The audit log: one pino line per administrative change, whichever transport made it
 * (CLI or admin API), with `audit: true`, who (`actor`), what (`action`), on what
 * (`target`) and what changed. Never a password, a hash or a key in full: keys appear as
 * `keyHint` (their first characters), passwords only as `passwordSet: true`.
 */
import type { Logger } from "pino";
import { describeActor, type Actor } from "./actor";

export interface AuditEntry {
  action: string;
  target: Record<string, string | number>;
  changes?: Record<string, unknown> | undefined;
}

export type Audit = (actor: Actor, entry: AuditEntry) => void;

export function createAudit(logger: Logger): Audit {
  return (actor, entry) => {
    logger.info({ audit: true, actor: describeActor(actor), action: entry.action, target: entry.target, ...(entry.changes ? { changes: entry.changes } : {}) }, `audit: ${entry.action}`);
  };
}

/** The first characters of a key, enough to tell two apart in a log. */
export function keyHint(key: string): string {
  return `${key.slice(0, 7)}…`;
}
