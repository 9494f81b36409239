/// <reference lib="dom" />
/**
 * JSON calls to the gateway's /api/v1 from the browser. Never throws: a network failure or
 * a reply that is not the API's JSON becomes `{ ok: false, error: { code: "unavailable" } }`,
 * so callers handle one shape. The token goes in `Authorization: Bearer` only.
 */
import type { Err, ErrorBody } from "@roomcast/protocol";

export type ApiResult<T extends object> = ({ ok: true } & T) | Err;

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  token?: string | undefined;
  body?: unknown;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string" && typeof (value as { message?: unknown }).message === "string";
}

export async function apiCall<T extends object>(base: string, path: string, request: ApiRequest = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1${path}`, {
      method: request.method ?? (request.body === undefined ? "GET" : "POST"),
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
    });
  } catch {
    return { ok: false, error: { code: "unavailable", message: "cannot reach the chat server" } };
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return { ok: false, error: { code: "unavailable", message: `the chat server answered ${response.status}` } };
  }
  if (typeof json === "object" && json !== null && (json as { ok?: unknown }).ok === true) return json as { ok: true } & T;
  const error = typeof json === "object" && json !== null ? (json as { error?: unknown }).error : undefined;
  return { ok: false, error: isErrorBody(error) ? error : { code: "internal", message: `unexpected answer (${response.status})` } };
}

/** Builds an element with a class, optional text and attributes (text is never parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className.length > 0) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

export function stateLabel(state: "connecting" | "live" | "reconnecting" | "offline"): string {
  switch (state) {
    case "live":
      return "Live";
    case "connecting":
      return "Connecting…";
    case "reconnecting":
      return "Reconnecting…";
    case "offline":
      return "Offline";
  }
}

export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
