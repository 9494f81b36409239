/**
 * @jest-environment jsdom
 */
/// <reference lib="dom" />
/**
 * useStream, useConnectionState and usePublish over a fake client (the SDK's own behaviour
 * is the SDK's tests'; the real gateway is test/sdk/react.int.test.tsx): what the hooks ask
 * the client for — when they subscribe, with which `since`, when they leave — and what
 * they keep.
 */
import type { ConnectionState, EventEnvelope, PublishRequest, RoomcastClient, SubscribeRequest, Subscription, SubscriptionHooks } from "@roomcast/client";
import { act, render, renderHook } from "@testing-library/react";
import { createElement, StrictMode, type ReactNode } from "react";
import type { OffsetStorage } from "./offset-storage";
import { RoomcastProvider } from "./provider";
import { useConnectionState } from "./use-connection-state";
import { usePublish } from "./use-publish";
import { useStream, type StreamView, type UseStreamOptions } from "./use-stream";

interface FakeSubscription {
  request: SubscribeRequest;
  onEvent: (event: EventEnvelope) => void;
  hooks: SubscriptionHooks;
  unsubscribed: boolean;
}

function fakeClient() {
  let state: ConnectionState = "connecting";
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const subscriptions: FakeSubscription[] = [];
  const published: PublishRequest[] = [];
  const client = {
    get state() {
      return state;
    },
    pendingPublishes: 0,
    onStateChange(listener: (s: ConnectionState) => void) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    subscribe(request: SubscribeRequest, onEvent: (event: EventEnvelope) => void, hooks: SubscriptionHooks = {}): Subscription {
      const sub: FakeSubscription = { request, onEvent, hooks, unsubscribed: false };
      subscriptions.push(sub);
      return {
        ready: Promise.resolve({ ok: true, stream: `acme:${request.channel}:${request.topic}`, offset: request.since ?? 0, recovered: true, replayed: 0 }),
        stream: undefined,
        lastOffset: undefined,
        unsubscribe: async () => {
          sub.unsubscribed = true;
        },
      };
    },
    publish: async (request: PublishRequest) => {
      published.push(request);
      return { ok: true as const, id: "e1", stream: "acme:documents:d1", offset: published.length };
    },
  } as unknown as RoomcastClient;
  return {
    client,
    subscriptions,
    published,
    live: () => subscriptions.filter((s) => !s.unsubscribed),
    setState(next: ConnectionState) {
      state = next;
      for (const listener of stateListeners) listener(next);
    },
  };
}

const envelope = (offset: number, topic = "d1"): EventEnvelope => ({
  id: `e${offset}`,
  stream: `acme:documents:${topic}`,
  offset,
  channel: "documents",
  topic,
  type: "progress",
  data: { percent: offset },
  priority: 0,
  source: "service:billing",
  ts: new Date(0).toISOString(),
});

function memoryStorage(): OffsetStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

const wrapperFor = (client: RoomcastClient, strict = false) =>
  function Wrapper({ children }: { children: ReactNode }) {
    const provider = createElement(RoomcastProvider, { client }, children);
    return strict ? createElement(StrictMode, null, provider) : provider;
  };

describe("useStream", () => {
  it("subscribes once however often the component re-renders, and keeps each event once", async () => {
    const fake = fakeClient();
    const { result, rerender } = renderHook(({ options }: { options: UseStreamOptions }) => useStream("documents", "d1", options), {
      wrapper: wrapperFor(fake.client),
      initialProps: { options: { types: ["progress"] } },
    });
    await act(async () => undefined); // the ready ack
    expect(result.current.status).toBe("subscribed");
    rerender({ options: { types: ["progress"] } }); // a new but equal filters object
    expect(fake.subscriptions).toHaveLength(1);
    act(() => fake.live()[0]!.onEvent(envelope(1)));
    act(() => fake.live()[0]!.onEvent(envelope(2)));
    expect(result.current.events.map((e) => e.offset)).toEqual([1, 2]);
    expect(result.current.lastOffset).toBe(2);
  });

  it("under StrictMode holds one subscription; a new client or new filters resubscribe with since = the last offset", async () => {
    const first = fakeClient();
    const second = fakeClient();
    let view: StreamView | undefined;
    function Probe({ types }: { types: string[] }) {
      view = useStream("documents", "d1", { types });
      return null;
    }
    const tree = (client: RoomcastClient, types: string[]) => createElement(StrictMode, null, createElement(RoomcastProvider, { client }, createElement(Probe, { types })));
    const page = render(tree(first.client, ["progress"]));
    await act(async () => undefined);
    expect(first.live()).toHaveLength(1);
    act(() => first.live()[0]!.onEvent(envelope(4)));
    page.rerender(tree(second.client, ["progress"])); // e.g. a provider that reconnected elsewhere
    await act(async () => undefined);
    expect(first.live()).toHaveLength(0);
    expect(second.live().map((s) => s.request)).toEqual([{ channel: "documents", topic: "d1", types: ["progress"], since: 4 }]);
    expect(view?.events.map((e) => e.offset)).toEqual([4]); // what it showed stays
    act(() => second.live()[0]!.onEvent(envelope(5)));
    page.rerender(tree(second.client, ["progress", "done"]));
    expect(second.live().map((s) => s.request)).toEqual([{ channel: "documents", topic: "d1", types: ["progress", "done"], since: 5 }]);
    page.unmount();
  });

  it("with persist, stores each offset and starts the next mount (a reload) after the stored one", async () => {
    const storage = memoryStorage();
    const first = fakeClient();
    const page1 = renderHook(() => useStream("documents", "d1", { persist: storage }), { wrapper: wrapperFor(first.client) });
    await act(async () => undefined);
    expect(first.live()[0]!.request.since).toBeUndefined();
    act(() => first.live()[0]!.onEvent(envelope(7)));
    expect(storage.items.get("roomcast:offset:documents:d1")).toBe("7");
    page1.unmount();
    expect(first.live()).toHaveLength(0);

    const second = fakeClient();
    const page2 = renderHook(() => useStream("documents", "d1", { persist: storage }), { wrapper: wrapperFor(second.client) });
    await act(async () => undefined);
    expect(second.live()[0]!.request.since).toBe(7);
    expect(page2.result.current.lastOffset).toBe(7);
    expect(page2.result.current.events).toEqual([]);
  });

  it("uses sessionStorage for persist: 'session', and a storage that throws only costs the resume", async () => {
    sessionStorage.clear();
    const fake = fakeClient();
    renderHook(() => useStream("documents", "d2", { persist: "session", storageKey: "u1:doc" }), { wrapper: wrapperFor(fake.client) });
    await act(async () => undefined);
    act(() => fake.live()[0]!.onEvent(envelope(3, "d2")));
    expect(sessionStorage.getItem("u1:doc")).toBe("3");

    const broken: OffsetStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
    };
    const other = fakeClient();
    const { result } = renderHook(() => useStream("documents", "d3", { persist: broken }), { wrapper: wrapperFor(other.client) });
    await act(async () => undefined);
    expect(other.live()[0]!.request.since).toBeUndefined();
    act(() => other.live()[0]!.onEvent(envelope(1, "d3")));
    expect(result.current.events).toHaveLength(1);
  });

  it("keeps at most maxEvents, dropping the oldest", async () => {
    const fake = fakeClient();
    const { result } = renderHook(() => useStream("documents", "d1", { maxEvents: 2 }), { wrapper: wrapperFor(fake.client) });
    await act(async () => undefined);
    for (const offset of [1, 2, 3]) act(() => fake.live()[0]!.onEvent(envelope(offset)));
    expect(result.current.events.map((e) => e.offset)).toEqual([2, 3]);
  });

  it("a new topic starts empty, from its own position", async () => {
    const fake = fakeClient();
    const { result, rerender } = renderHook(({ topic }: { topic: string }) => useStream("documents", topic), { wrapper: wrapperFor(fake.client), initialProps: { topic: "d1" } });
    await act(async () => undefined);
    act(() => fake.live()[0]!.onEvent(envelope(5)));
    rerender({ topic: "d9" });
    await act(async () => undefined);
    expect(result.current.events).toEqual([]);
    expect(fake.live()[0]!.request).toEqual({ channel: "documents", topic: "d9" });
  });
});

describe("useConnectionState and usePublish", () => {
  it("follow the client's state and publish through it", async () => {
    const fake = fakeClient();
    const { result } = renderHook(() => ({ state: useConnectionState(), publish: usePublish() }), { wrapper: wrapperFor(fake.client) });
    expect(result.current.state).toBe("connecting");
    act(() => fake.setState("live"));
    expect(result.current.state).toBe("live");
    const publish = result.current.publish;
    act(() => fake.setState("reconnecting"));
    expect(result.current.publish).toBe(publish); // stable across renders
    await expect(publish({ channel: "documents", topic: "d1", type: "progress", data: { percent: 1 } })).resolves.toMatchObject({ ok: true, offset: 1 });
    expect(fake.published).toHaveLength(1);
  });

  it("outside a provider, say what is missing", () => {
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined); // React reports the render error too
    expect(() => renderHook(() => useConnectionState())).toThrow("Roomcast hooks need a <RoomcastProvider> above them");
    quiet.mockRestore();
  });
});
