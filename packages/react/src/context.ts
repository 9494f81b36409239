/**
 * The client a `<RoomcastProvider>` hands down, and the hook that reads it. The value is
 * `null` while a provider that creates its own client has not mounted yet (the hooks
 * then report `connecting` and nothing else); outside any provider the hooks throw.
 */
import type { RoomcastClient } from "@roomcast/client";
import { createContext, useContext } from "react";

const NO_PROVIDER = Symbol("no RoomcastProvider");

export const RoomcastContext = createContext<RoomcastClient | null | typeof NO_PROVIDER>(NO_PROVIDER);

/** The provider's client (`null` until it exists). Throws outside a `<RoomcastProvider>`. */
export function useRoomcastClient(): RoomcastClient | null {
  const client = useContext(RoomcastContext);
  if (client === NO_PROVIDER) throw new Error("Roomcast hooks need a <RoomcastProvider> above them");
  return client;
}
