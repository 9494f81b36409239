/**
 * `<RoomcastProvider>`: makes one Roomcast client available to the hooks below it.
 *
 * Either pass a `client` you created (`createClient`) and own — the provider never closes
 * it — or pass `options`: the provider then creates the client when it mounts and closes
 * it when it unmounts. The options are read once, at mount (a new `getToken` function on
 * every render changes nothing); to connect elsewhere, give the provider a new `key`.
 * Under React's StrictMode the development double mount creates, closes and recreates it.
 */
import { createClient, type ClientOptions, type RoomcastClient } from "@roomcast/client";
import { createElement, useEffect, useRef, useState, type ReactNode } from "react";
import { RoomcastContext } from "./context";

export type RoomcastProviderProps = { children?: ReactNode } & ({ client: RoomcastClient; options?: never } | { options: ClientOptions; client?: never });

export function RoomcastProvider(props: RoomcastProviderProps): ReactNode {
  const { client: given, options, children } = props;
  const optionsAtMount = useRef(options);
  const [owned, setOwned] = useState<RoomcastClient | null>(null);
  useEffect(() => {
    const initial = optionsAtMount.current;
    if (given !== undefined || initial === undefined) return;
    const created = createClient(initial);
    setOwned(created);
    return () => {
      created.close();
      setOwned(null);
    };
  }, [given]);
  return createElement(RoomcastContext.Provider, { value: given ?? owned }, children);
}
