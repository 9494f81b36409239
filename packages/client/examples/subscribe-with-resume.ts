import type { EventEnvelope, RoomcastClient, Subscription } from "@roomcast/client";

/** Where the last handled offset of each stream is kept: `sessionStorage` fits. */
export interface OffsetStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Follows a document's stream. Each event reaches `onEvent` once, in offset order, across
 * reconnects; the offset handled last is saved, so after a reload the subscription
 * resumes with `since` and the gateway replays only what was missed.
 */
export async function followDocument(
  client: RoomcastClient,
  documentId: string,
  offsets: OffsetStore,
  onEvent: (event: EventEnvelope) => void,
  onReset: () => void,
): Promise<Subscription> {
  const key = `roomcast:documents:${documentId}`;
  const saved = offsets.getItem(key);
  const subscription = client.subscribe(
    { channel: "documents", topic: documentId, ...(saved === null ? {} : { since: Number(saved) }) },
    (event) => {
      onEvent(event);
      offsets.setItem(key, String(event.offset));
    },
    // The missed events are past the gateway's retention: reload the document instead.
    { onReset },
  );
  const ready = await subscription.ready; // never rejects
  if (!ready.ok) throw new Error(`subscribe refused: ${ready.error.code} (${ready.error.message})`);
  // ready.offset: where the stream stands now; ready.replayed: events resent since `since`.
  return subscription;
}
