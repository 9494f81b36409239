import { createClient, isRetryable, RoomcastClientError, type RoomcastClient } from "@roomcast/client";

/** A back-end service's client: every publish carries an idempotency key and is resent until acknowledged. */
export function serviceClient(url: string, token: string): RoomcastClient {
  return createClient({ url, token, idempotencyKeys: true });
}

/**
 * Reports a document's progress exactly once. `key` identifies this report (8–128 of
 * `A-Z a-z 0-9 _ -`): the gateway answers a repeat of the same key with the original
 * `{ id, stream, offset }` and writes nothing, so the report may be retried — even from
 * another process after a crash — without a duplicate event.
 */
export async function reportProgress(client: RoomcastClient, documentId: string, percent: number, key: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.publish({ channel: "documents", topic: documentId, type: "progress", data: { percent }, key });
      if (result.ok) return result.offset;
      if (!isRetryable(result.error.code) || attempt === 3) throw new Error(`publish refused: ${result.error.code}`);
    } catch (error) {
      // Without idempotency keys a lost ack rejects with `outcome_unknown`; with the same key a resend is safe.
      if (!(error instanceof RoomcastClientError && error.code === "outcome_unknown") || attempt === 3) throw error;
    }
  }
}
