/**
 * `useStream(channel, topic, options)`: subscribes the provider's client to one stream
 * while the component is mounted and returns its events (oldest first, at most
 * `maxEvents`), the connection state and the subscription's status.
 *
 * Resuming:
 * - across re-renders nothing happens: the subscription depends only on the client, the
 *   stream, the filters and `enabled`;
 * - when the same component subscribes again (StrictMode's double mount, a provider whose
 *   client changed, new filters, `enabled` off and on) it resubscribes with `since` = the
 *   last offset it delivered, so no event is lost or repeated, and the events it holds
 *   stay; a component that unmounts forgets (unless `persist`);
 * - across a page reload, with `persist: "session"` (or your own storage) the last offset is
 *   kept in `sessionStorage` and the next page's subscription starts after it: `events` then
 *   holds what was missed and what follows, not what the previous page had shown.
 * Within one subscription the SDK delivers each offset once, in order, across reconnects.
 *
 * One `useStream` per stream per provider: the SDK refuses a second subscription to the
 * same stream on one client (`invalid`, "already subscribed").
 */
import type { Channel, ConnectionState, ErrorBody, EventEnvelope, ResetInfo, SubscribeRequest } from "@roomcast/client";
import { useEffect, useMemo, useRef, useState } from "react";
import { useRoomcastClient } from "./context";
import { readOffset, resolveStorage, writeOffset, type Persist } from "./offset-storage";
import { useClientState } from "./use-connection-state";

export type StreamFilters = Omit<SubscribeRequest, "channel" | "topic" | "since">;

export interface UseStreamOptions extends StreamFilters {
  /** Keep the last offset across reloads: `"session"` (sessionStorage) or a storage object. */
  persist?: Persist;
  /** The storage key (default `roomcast:offset:<channel>:<topic>`); include the user when several share a tab. */
  storageKey?: string;
  /** Where to start when nothing was delivered or stored yet: replay every event after this offset. */
  since?: number;
  /** Events kept in `events` (the oldest go first); default 500. */
  maxEvents?: number;
  /** `false` leaves the stream (status `idle`; the events shown stay). Default true. */
  enabled?: boolean;
  /** The gateway could not replay what was missed (`recovered: false`): refetch a snapshot. */
  onReset?: (info: ResetInfo) => void;
}

export type StreamStatus = "idle" | "subscribing" | "subscribed" | "refused";

export interface StreamView<T = unknown> {
  events: EventEnvelope<T>[];
  state: ConnectionState;
  status: StreamStatus;
  /** Why the subscription was refused for good (`forbidden`, `invalid`, …), when it was. */
  error: ErrorBody | undefined;
  /** The last offset delivered (or the stored one this subscription resumed after). */
  lastOffset: number | undefined;
}

interface Held {
  key: string;
  events: EventEnvelope[];
  status: StreamStatus;
  error: ErrorBody | undefined;
}

const DEFAULT_MAX_EVENTS = 500;

export function useStream<T = unknown>(channel: Channel, topic: string | null | undefined, options: UseStreamOptions = {}): StreamView<T> {
  const client = useRoomcastClient();
  const state = useClientState(client);
  const { persist, storageKey, since, maxEvents, enabled = true, onReset, ...filters } = options;
  const key = storageKey ?? `roomcast:offset:${channel}:${topic ?? ""}`;
  const filterKey = JSON.stringify(filters);
  // Keyed on the filters' content, not their identity (an inline object is new on every render).
  const stableFilters = useMemo(() => filters, [filterKey]);
  const latest = useRef({ persist, maxEvents, onReset });
  useEffect(() => {
    latest.current = { persist, maxEvents, onReset };
  });
  /** Last delivered offset per stream key: survives re-renders, remounts under StrictMode and a new client. */
  const delivered = useRef(new Map<string, number>());
  const [held, setHeld] = useState<Held>({ key, events: [], status: "idle", error: undefined });

  useEffect(() => {
    if (client === null || !enabled) return;
    const storage = resolveStorage(latest.current.persist);
    const from = delivered.current.get(key) ?? readOffset(storage, key) ?? since;
    if (from !== undefined) delivered.current.set(key, from);
    let active = true;
    setHeld((h) => ({ key, events: h.key === key ? h.events : [], status: "subscribing", error: undefined }));
    const subscription = client.subscribe(
      { channel, ...(topic == null ? {} : { topic }), ...stableFilters, ...(from === undefined ? {} : { since: from }) },
      (event) => {
        delivered.current.set(key, event.offset);
        writeOffset(storage, key, event.offset);
        const limit = latest.current.maxEvents ?? DEFAULT_MAX_EVENTS;
        setHeld((h) => ({ ...h, events: [...(h.events.length >= limit ? h.events.slice(h.events.length - limit + 1) : h.events), event] }));
      },
      {
        onReset: (info) => latest.current.onReset?.(info),
        onError: (error) => active && setHeld((h) => ({ ...h, status: "refused", error })),
      },
    );
    void subscription.ready.then((result) => {
      if (active) setHeld((h) => (result.ok ? { ...h, status: "subscribed" } : { ...h, status: "refused", error: result.error }));
    });
    return () => {
      active = false;
      void subscription.unsubscribe();
    };
  }, [client, channel, topic, key, stableFilters, enabled, since]);

  const current = held.key === key ? held : { key, events: [], status: "idle" as const, error: undefined };
  return {
    events: current.events as EventEnvelope<T>[],
    state,
    status: client === null || !enabled ? "idle" : current.status,
    error: current.error,
    lastOffset: delivered.current.get(key),
  };
}
