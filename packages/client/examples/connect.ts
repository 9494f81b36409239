import { createClient, type RoomcastClient } from "@roomcast/client";

/**
 * Connects to a gateway with a token from your back end (the SDK calls `getToken` at
 * start, after an `unauthorized` refusal and before the token expires), and resolves
 * once the connection is live.
 */
export function connect(url: string, getToken: () => Promise<string>): Promise<RoomcastClient> {
  const client = createClient({ url, getToken });
  return new Promise((resolve, reject) => {
    const stop = client.onStateChange((state) => {
      // connecting → live; reconnecting after a drop; offline when refused for good or closed
      if (state === "live") {
        stop();
        resolve(client);
      } else if (state === "offline") {
        stop();
        reject(new Error("the gateway refused the connection"));
      }
    });
  });
}
