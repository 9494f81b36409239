/**
 * @roomcast/react — React bindings over @roomcast/client: `<RoomcastProvider>` hands one
 * client to the hooks below it; `useStream` subscribes a component to a stream (resuming
 * across re-renders, remounts and, with `persist`, reloads); `useConnectionState` and
 * `usePublish` read the connection and publish through it.
 */
export { RoomcastProvider, type RoomcastProviderProps } from "./provider";
export { useRoomcastClient } from "./context";
export { useConnectionState } from "./use-connection-state";
export { usePublish, type Publish } from "./use-publish";
export { useStream, type StreamFilters, type StreamStatus, type StreamView, type UseStreamOptions } from "./use-stream";
export type { OffsetStorage, Persist } from "./offset-storage";
