/**
 * Publishing, one use case for every transport (the socket `publish` event and
 * `POST /api/v1/publish` both call it; they only adapt its Result to an ack or a status):
 *
 *   parse (protocol publishSchema) → authorize (policy.ts) → domain hook (a product's own
 *   types, e.g. a chat `message` becomes a stored chat message: chat/chat-publish.ts) →
 *   reserved types refused (`reserved_type`) → idempotent publish (StreamStore: a `key` is
 *   scoped to (tenant, sender, key) and bound to the event) → errors mapped to the catalog.
 *
 * A batch commits in one transaction or not at all; a product's own types cannot be part of
 * one (a domain write is its own transaction), so they are refused there. Nothing here
 * throws: a store failure is `unavailable` (logged), a bad event `invalid`, a key reused
 * for another event `idempotency_conflict`, a tenant over its storage bulkhead
 * (limits/tenant-bulkhead.ts) `rate_limited`.
 */
import {
  CHAT_DOMAIN_TYPES,
  err,
  publishSchema,
  type Err,
  type Channel,
  type PublishInput,
  type PublishOk,
  type Principal,
  type Result,
} from "@roomcast/protocol";
import type { Logger } from "pino";
import { z } from "zod";
import { authorize } from "../policy";
import { TenantBusyError } from "../limits/tenant-bulkhead";
import { EventRejectedError, KeyConflictError, type NewEvent, type StreamStore } from "../stream-store";
import { describeIssues } from "../validation/describe-issues";

/** Handles a publish itself (a promise of the ack) or leaves it to the generic path (undefined). */
export type DomainPublish = (principal: Principal, input: PublishInput) => Promise<Result<PublishOk>> | undefined;

/** Event types a product writes itself; the generic path never stores them as given. */
const RESERVED: Partial<Record<Channel, readonly string[]>> = { chat: CHAT_DOMAIN_TYPES };

export const MAX_BATCH = 500;
export const batchSchema = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict();

export interface PublishUseCaseDeps {
  store: StreamStore;
  logger: Logger;
  /** The product's hook (the chat feature's); omitted, every reserved type is refused. */
  domain?: DomainPublish | undefined;
}

export interface PublishUseCase {
  /** One event (the socket payload, or an HTTP body without `events`). */
  one(principal: Principal, payload: unknown): Promise<Result<PublishOk>>;
  /** `{ events: [...] }`, committed together. */
  batch(principal: Principal, body: unknown): Promise<Result<{ events: PublishOk[] }>>;
}

export function createPublishUseCase(deps: PublishUseCaseDeps): PublishUseCase {
  const { store, logger } = deps;

  const commit = async (principal: Principal, inputs: readonly PublishInput[]): Promise<Result<{ events: PublishOk[] }>> => {
    const source = `${principal.role}:${principal.sub}`;
    const events: NewEvent[] = inputs.map((input) => ({ ...input, tenant: principal.tenant, source }));
    try {
      return { ok: true, events: await store.publish(events) };
    } catch (error) {
      if (error instanceof EventRejectedError) return err(error.code, error.message);
      if (error instanceof KeyConflictError) return err("idempotency_conflict", error.message);
      if (error instanceof TenantBusyError) return err("rate_limited", "your organisation has too many publishes in flight, retry shortly");
      logger.warn({ err: error, tenant: principal.tenant, sub: principal.sub }, "publish failed");
      return err("unavailable", "event storage is unavailable, retry later");
    }
  };

  return {
    async one(principal, payload) {
      const checked = check(principal, payload, undefined);
      if (!checked.ok) return checked;
      const handled = deps.domain?.(principal, checked.input);
      if (handled !== undefined) return handled;
      const refused = reserved(checked.input, "");
      if (refused !== undefined) return refused;
      const result = await commit(principal, [checked.input]);
      if (!result.ok) return result;
      const [first] = result.events;
      return first === undefined ? err("internal", "internal error") : { ok: true, ...first };
    },

    async batch(principal, body) {
      const parsed = batchSchema.safeParse(body);
      if (!parsed.success) return err("invalid", describeIssues(parsed.error.issues));
      const inputs: PublishInput[] = [];
      for (const [index, payload] of parsed.data.events.entries()) {
        const checked = check(principal, payload, `events.${index}`);
        if (!checked.ok) return checked;
        const refused = reserved(checked.input, `events.${index}: `, " (publish it on its own, not in a batch)");
        if (refused !== undefined) return refused;
        inputs.push(checked.input);
      }
      return commit(principal, inputs);
    },
  };
}

/** `at`: where the event sits in a batch (`events.3`), for messages. */
function check(principal: Principal, payload: unknown, at: string | undefined): Result<{ input: PublishInput }> {
  const parsed = publishSchema.safeParse(payload);
  if (!parsed.success) {
    const prefix = at === undefined ? [] : [at];
    return err("invalid", describeIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }))));
  }
  const decision = authorize(principal, "publish", parsed.data);
  if (!decision.allowed) return err("forbidden", at === undefined ? decision.reason : `${at}: ${decision.reason}`);
  return { ok: true, input: parsed.data };
}

function reserved(input: PublishInput, at: string, how = ""): Err | undefined {
  if (!(RESERVED[input.channel] ?? []).includes(input.type)) return undefined;
  return err("reserved_type", `${at}"${input.type}" on the ${input.channel} channel is written by its product only${how}`);
}
