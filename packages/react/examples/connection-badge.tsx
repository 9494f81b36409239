import { useConnectionState } from "@roomcast/react";

const LABELS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" } as const;

/** Re-renders on every change of the connection state. */
export function ConnectionBadge() {
  const state = useConnectionState();
  return <span role="status">{LABELS[state]}</span>;
}
