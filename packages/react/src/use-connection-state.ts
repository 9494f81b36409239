/**
 * `useConnectionState()`: the provider's connection state — `connecting`, `live`,
 * `reconnecting` or `offline` — re-rendering on every change (useSyncExternalStore over
 * `client.onStateChange`). Before the provider's client exists it is `connecting`.
 */
import type { ConnectionState, RoomcastClient } from "@roomcast/client";
import { useCallback, useSyncExternalStore } from "react";
import { useRoomcastClient } from "./context";

export function useConnectionState(): ConnectionState {
  return useClientState(useRoomcastClient());
}

/** The state of `client`, for hooks that already hold it. */
export function useClientState(client: RoomcastClient | null): ConnectionState {
  const subscribe = useCallback((onChange: () => void) => (client === null ? () => undefined : client.onStateChange(onChange)), [client]);
  const snapshot = (): ConnectionState => client?.state ?? "connecting";
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
