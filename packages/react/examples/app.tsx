import { RoomcastProvider } from "@roomcast/react";
import { ConnectionBadge } from "./connection-badge";
import { DocumentStatus } from "./document-status";

/**
 * The root of a page: one Roomcast connection for the whole tree, created when the
 * provider mounts and closed when it unmounts. `getToken` fetches a token from your back end.
 */
export function App({ url, getToken, documentId }: { url: string; getToken: () => Promise<string>; documentId: string }) {
  return (
    <RoomcastProvider options={{ url, getToken }}>
      <ConnectionBadge />
      <DocumentStatus documentId={documentId} />
    </RoomcastProvider>
  );
}
