import { createClient, type RoomcastClient } from "@roomcast/client";

/**
 * A client whose token is short-lived. With `getToken`, the SDK fetches a new token
 * `refreshBeforeExpiryMs` before the current one's `exp` (or at half its remaining life,
 * whichever comes first) and hands it to the live socket (`auth:refresh`): the connection
 * and its subscriptions carry on, nothing is replayed. If the refresh fails, `onError`
 * hears `token_failed` (or the server's code) and the next reconnect takes a fresh token.
 */
export function clientWithRefresh(url: string, fetchToken: () => Promise<string>, onProblem: (code: string) => void): RoomcastClient {
  const client = createClient({ url, getToken: fetchToken, refreshBeforeExpiryMs: 30_000 });
  client.onError((error) => onProblem(error.code));
  client.onSystem((notice) => {
    // `token_expired`: a token ran out without a refresh; `revoked`: the user was signed out.
    if (notice.type === "token_expired" || notice.type === "revoked") onProblem(notice.type);
  });
  return client;
}
