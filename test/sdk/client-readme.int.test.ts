/**
 * Runs each example of packages/client/README.md (the files in packages/client/examples,
 * which the README includes verbatim: packages/client/src/readme.test.ts holds it to
 * that) against a real gateway: PostgreSQL, Redis and the relay (test/support/stack.ts).
 * The examples are type-checked by `npm run typecheck` here and against the packed
 * package's declarations in sdk-packages.int.test.ts.
 */
import { createClient, type EventEnvelope, type RoomcastClient } from "@roomcast/client";
import { until, waitFor } from "@roomcast/gateway/testing";
import { randomBytes } from "node:crypto";
import { connect } from "../../packages/client/examples/connect";
import { trySubscribe, type Refusal } from "../../packages/client/examples/errors";
import { send } from "../../packages/client/examples/offline";
import { reportProgress, serviceClient } from "../../packages/client/examples/publish-with-idempotency-key";
import { followDocument, type OffsetStore } from "../../packages/client/examples/subscribe-with-resume";
import { clientWithRefresh } from "../../packages/client/examples/token-refresh";
import { startStack, type Stack } from "../support/stack";

jest.setTimeout(60_000);

const memoryStorage = (): OffsetStore & { items: Map<string, string> } => {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
};

describe("the @roomcast/client README examples against a real gateway", () => {
  let stack: Stack;
  let url: string;
  let service: RoomcastClient;
  const clients: RoomcastClient[] = [];
  const track = <T extends RoomcastClient>(client: T): T => {
    clients.push(client);
    return client;
  };
  const memberToken = (ttlSeconds?: number) => stack.token({ sub: "u1", tenant: "acme", role: "member", ttlSeconds });
  const newDocument = () => `doc_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    stack = await startStack({ gateways: 1 });
    url = stack.nodes[0]!.url;
    service = track(serviceClient(url, stack.token({ sub: "billing", tenant: "acme", role: "service" })));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await stack?.close();
  });

  it("connect: resolves once live", async () => {
    let calls = 0;
    const client = track(
      await connect(url, async () => {
        calls += 1;
        return memberToken();
      }),
    );
    expect(client.state).toBe("live");
    expect(calls).toBe(1);
  });

  it("subscribe with resume: delivers each event once, and after a 'reload' replays only what was missed", async () => {
    const doc = newDocument();
    const offsets = memoryStorage();
    const resets: number[] = [];
    for (const percent of [10, 20]) await reportProgress(service, doc, percent, `k-${doc}-${percent}`);

    const first: EventEnvelope[] = [];
    const page1 = track(await connect(url, async () => memberToken()));
    await followDocument(page1, doc, offsets, (e) => first.push(e), () => resets.push(1));
    for (const percent of [30, 40]) await reportProgress(service, doc, percent, `k-${doc}-${percent}`);
    await until("the first page's two live events", 10_000, () => first.length >= 2);
    expect(first.map((e) => [e.offset, e.data])).toEqual([
      [3, { percent: 30 }],
      [4, { percent: 40 }],
    ]);
    expect(offsets.items.get(`roomcast:documents:${doc}`)).toBe("4");

    page1.close(); // the page goes away; two events happen meanwhile
    for (const percent of [50, 60]) await reportProgress(service, doc, percent, `k-${doc}-${percent}`);
    const second: EventEnvelope[] = [];
    const page2 = track(await connect(url, async () => memberToken()));
    await followDocument(page2, doc, offsets, (e) => second.push(e), () => resets.push(2));
    await reportProgress(service, doc, 70, `k-${doc}-70`);
    await until("the missed events and the next live one on the reloaded page", 10_000, () => second.length >= 3);
    expect(second.map((e) => e.offset)).toEqual([5, 6, 7]);
    expect(resets).toEqual([]);
  });

  it("publish with an idempotency key: a repeated key answers the original offset and writes nothing", async () => {
    const doc = newDocument();
    const seen: EventEnvelope[] = [];
    const reader = track(await connect(url, async () => memberToken()));
    await followDocument(reader, doc, memoryStorage(), (e) => seen.push(e), () => undefined);
    const key = `report-${doc}`;
    const first = await reportProgress(service, doc, 50, key);
    const again = await reportProgress(service, doc, 50, key);
    expect(again).toBe(first);
    await reportProgress(service, doc, 100, `${key}-done`);
    await until("two events at the reader", 10_000, () => seen.length >= 2);
    // Had the repeat been written, the second event would be it (offsets follow commit order).
    expect(seen.map((e) => [e.offset, e.data])).toEqual([
      [first, { percent: 50 }],
      [first + 1, { percent: 100 }],
    ]);
  });

  it("token refresh: the connection outlives its first token, refreshed in place", async () => {
    const issued: string[] = [];
    const problems: string[] = [];
    const client = track(
      clientWithRefresh(
        url,
        async () => {
          issued.push(memberToken(3));
          return issued.at(-1)!;
        },
        (code) => problems.push(code),
      ),
    );
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    const received: EventEnvelope[] = [];
    const ready = await client.subscribe({ channel: "notifications", topic: "u1" }, (e) => received.push(e)).ready;
    expect(ready.ok).toBe(true);
    await until("a second token from getToken (the refresh)", 10_000, () => issued.length >= 2);
    const firstExp = JSON.parse(Buffer.from(issued[0]!.split(".")[1]!, "base64url").toString()) as { exp: number };
    await until("the first token's expiry to pass", 10_000, () => Date.now() > firstExp.exp * 1000 + 500);
    const published = await service.publish({ channel: "notifications", topic: "u1", type: "note", data: { text: "still here" } });
    expect(published.ok).toBe(true);
    await until("the notification after the first token expired", 10_000, () => received.length >= 1);
    expect(client.state).toBe("live");
    expect(states).toEqual(["live"]);
    expect(problems).toEqual([]);
  });

  it("errors: a refusal is a result with a stable code, reported once to onError", async () => {
    const client = track(await connect(url, async () => memberToken()));
    const ended: Refusal[] = [];
    const forbidden = await trySubscribe(client, { channel: "analytics" }, (r) => ended.push(r));
    expect(forbidden).toMatchObject({ code: "forbidden", retryable: false });
    expect(ended).toEqual([forbidden]);
    expect(await trySubscribe(client, { channel: "documents", topic: "not a topic!" }, (r) => ended.push(r))).toMatchObject({ code: "invalid", retryable: false });
    expect(await trySubscribe(client, { channel: "documents", topic: newDocument() }, (r) => ended.push(r))).toBeNull();
  });

  it("offline: a publish waits for the connection, one past the queue limit is refused at once", async () => {
    let release!: (token: string) => void;
    const token = new Promise<string>((resolve) => (release = resolve));
    const client = track(createClient({ url, getToken: () => token, offlineQueueLimit: 1 }));
    const shown: string[] = [];
    const doc = newDocument();
    const request = { channel: "documents", topic: doc, type: "note", data: { n: 1 } } as const;
    // A member may not publish documents: the ack (once online) is a refusal, which is all this test needs.
    const queued = send(client, request, (s) => shown.push(s));
    expect(client.pendingPublishes).toBe(1);
    expect(await send(client, { ...request, data: { n: 2 } }, (s) => shown.push(s))).toBe("not_sent");
    expect(shown).toEqual(["offline: 1 waiting to be sent", "offline: 2 waiting to be sent", "too many unsent messages: try again when the connection is back"]);
    release(memberToken());
    await waitFor<void>("the client to go live", 10_000, (resolve) => client.onStateChange((s) => s === "live" && resolve()));
    expect(await queued).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(client.pendingPublishes).toBe(0);
  });
});
