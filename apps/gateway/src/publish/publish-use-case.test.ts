import type { Principal } from "@roomcast/protocol";
import pino from "pino";
import { EventRejectedError, KeyConflictError, type NewEvent, type StreamStore } from "../stream-store";
import { createPublishUseCase, type DomainPublish } from "./publish-use-case";

const service: Principal = { sub: "billing", tenant: "acme", role: "service" };
const logger = pino({ level: "silent" });

function storeThat(publish: (events: readonly NewEvent[]) => Promise<Array<{ id: string; stream: string; offset: number }>>): StreamStore & { seen: NewEvent[][] } {
  const seen: NewEvent[][] = [];
  return {
    seen,
    catchUp: () => Promise.reject(new Error("unused")),
    ping: () => Promise.resolve(),
    isWatched: () => Promise.reject(new Error("unused")),
    publish: (events) => {
      seen.push([...events]);
      return publish(events);
    },
  };
}
const okStore = () => storeThat(async (events) => events.map((e, i) => ({ id: `e${i}`, stream: `${e.tenant}:${e.channel}${e.topic ? `:${e.topic}` : ""}`, offset: i + 1 })));

describe("publish use case", () => {
  it("takes the tenant and source from the principal, never from the payload", async () => {
    const store = okStore();
    const publish = createPublishUseCase({ store, logger });
    expect(await publish.one(service, { channel: "notifications", topic: "u1", type: "x", data: 1 })).toEqual({ ok: true, id: "e0", stream: "acme:notifications:u1", offset: 1 });
    expect(store.seen[0]?.[0]).toMatchObject({ tenant: "acme", source: "service:billing", priority: 5 });
    expect(await publish.one(service, { channel: "notifications", type: "x", data: 1, tenant: "globex" })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it.each([
    ["a rejected event", new EventRejectedError("NUL in data"), "invalid"],
    ["a key reused for another event", new KeyConflictError("reused"), "idempotency_conflict"],
    ["a store outage", new Error("connection refused"), "unavailable"],
  ])("maps %s to %s", async (_name, error, code) => {
    const publish = createPublishUseCase({ store: storeThat(() => Promise.reject(error)), logger });
    expect(await publish.one(service, { channel: "system", type: "x", data: 1 })).toMatchObject({ ok: false, error: { code } });
    expect(await publish.batch(service, { events: [{ channel: "system", type: "x", data: 1 }] })).toMatchObject({ ok: false, error: { code } });
  });

  it("lets the domain hook answer its own types, refuses the rest of the product's types, and passes others on", async () => {
    const store = okStore();
    const domain: DomainPublish = (_p, input) => (input.channel === "chat" && input.type === "message" && input.topic !== undefined ? Promise.resolve({ ok: true, id: "m1", stream: "acme:chat:s1", offset: 9 }) : undefined);
    const publish = createPublishUseCase({ store, logger, domain });
    expect(await publish.one(service, { channel: "chat", topic: "s1", type: "message", data: { text: "hi" } })).toEqual({ ok: true, id: "m1", stream: "acme:chat:s1", offset: 9 });
    expect(await publish.one(service, { channel: "chat", type: "message", data: {} })).toMatchObject({ ok: false, error: { code: "reserved_type" } });
    expect(await publish.one(service, { channel: "chat", topic: "s1", type: "session:updated", data: {} })).toMatchObject({ ok: false, error: { code: "reserved_type" } });
    expect(await publish.one(service, { channel: "chat", topic: "s1", type: "typing", data: {} })).toMatchObject({ ok: true });
    // Another channel's "message" is not the chat product's.
    expect(await publish.one(service, { channel: "notifications", topic: "u1", type: "message", data: {} })).toMatchObject({ ok: true });
    expect(store.seen).toHaveLength(2);
  });

  it("checks every event of a batch before writing any, naming the one refused", async () => {
    const store = okStore();
    const publish = createPublishUseCase({ store, logger });
    const member: Principal = { sub: "m", tenant: "acme", role: "member" };
    expect(await publish.batch(member, { events: [{ channel: "chat", topic: "s1", type: "typing", data: {} }] })).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: expect.stringContaining("events.0") },
    });
    expect(await publish.batch(service, { events: [{ channel: "system", type: "x", data: 1 }, { channel: "system", type: "bad type!", data: 1 }] })).toMatchObject({
      ok: false,
      error: { code: "invalid", message: expect.stringContaining("events.1.type") },
    });
    expect(await publish.batch(service, { events: [] })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(store.seen).toHaveLength(0);
  });
});
