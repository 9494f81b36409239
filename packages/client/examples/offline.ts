import { RoomcastClientError, type PublishOk, type PublishRequest, type Result, type RoomcastClient } from "@roomcast/client";

/**
 * Publishes made while the connection is down wait in the SDK's queue (at most
 * `offlineQueueLimit`, 100 by default) and are sent in order, one at a time, once it is
 * back; the promise settles with the gateway's ack. `client.state` says where the
 * connection is, `client.pendingPublishes` how much is still unsent.
 */
export async function send(client: RoomcastClient, request: PublishRequest, show: (status: string) => void): Promise<Result<PublishOk> | "not_sent"> {
  if (client.state !== "live") show(`offline: ${client.pendingPublishes + 1} waiting to be sent`);
  try {
    return await client.publish(request);
  } catch (error) {
    if (error instanceof RoomcastClientError && error.code === "queue_full") {
      show("too many unsent messages: try again when the connection is back");
      return "not_sent";
    }
    throw error; // `closed`, or `outcome_unknown` without idempotency keys
  }
}
