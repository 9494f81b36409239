/**
 * `usePublish()`: a stable function that publishes through the provider's client and
 * resolves with the gateway's acknowledgement (`{ ok: true, id, stream, offset }` once
 * committed, or `{ ok: false, error }`). While offline the publish waits in the SDK's queue;
 * it rejects with a `RoomcastClientError` (`queue_full`, `closed`, `outcome_unknown`), and
 * with `closed` when the provider has no client (yet, or any more).
 */
import { RoomcastClientError, type PublishOk, type PublishRequest, type Result } from "@roomcast/client";
import { useCallback } from "react";
import { useRoomcastClient } from "./context";

export type Publish = (request: PublishRequest) => Promise<Result<PublishOk>>;

export function usePublish(): Publish {
  const client = useRoomcastClient();
  return useCallback(
    (request: PublishRequest) => (client === null ? Promise.reject(new RoomcastClientError("closed", "the RoomcastProvider has no client")) : client.publish(request)),
    [client],
  );
}
