/**
 * The client's address. Behind the proxy we run (nginx, one hop), the address nginx saw is
 * the last entry of X-Forwarded-For; earlier entries are whatever the client claimed and
 * are never trusted. Without a trusted proxy the socket's peer address is used.
 */
import type { IncomingMessage } from "node:http";

export function clientAddress(req: Pick<IncomingMessage, "headers" | "socket">, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const value = Array.isArray(header) ? header.join(",") : header;
    const last = value?.split(",").pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}
