/**
 * The chat API tests' stack: the shared durable stack (test/support/stack.ts — per-run
 * database and Redis prefix, N gateways, one in-process relay) with the chat product on
 * every gateway and the tenant ACME seeded. `api()` calls the HTTP API of a node.
 */
import { seedTenant } from "@roomcast/chat";
import type { Config } from "@roomcast/config";
import type { Db } from "@roomcast/db";
import type { Gateway, TokenRequest } from "@roomcast/gateway/testing";
import { startStack } from "../support/stack";

export const ACME = {
  id: "acme",
  name: "Acme",
  widgetKey: "acme-widget-key",
  allowedOrigins: ["https://shop.acme.test"],
  users: [
    { id: "agent1", email: "agent1@acme.test", name: "Agent One", role: "agent" as const, password: "pw-agent1" },
    { id: "agent2", email: "agent2@acme.test", name: "Agent Two", role: "agent" as const, password: "pw-agent2" },
    { id: "boss", email: "boss@acme.test", name: "Boss", role: "admin" as const, password: "pw-boss" },
  ],
};

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } };
  headers: Headers;
}

export interface ChatStack {
  urls: string[];
  gateways: Gateway[];
  db: Db;
  config: Readonly<Config>;
  token(request: TokenRequest): string;
  api(path: string, options?: { method?: string; token?: string; body?: unknown; origin?: string; node?: number }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function startChatStack(nodes: number): Promise<ChatStack> {
  const stack = await startStack({ gateways: nodes, chat: true });
  try {
    await seedTenant(stack.db, ACME);
  } catch (error) {
    await stack.close();
    throw error;
  }
  const urls = stack.nodes.map((node) => node.url);
  return {
    urls,
    gateways: stack.nodes.map((node) => node.gateway),
    db: stack.db,
    config: stack.config,
    token: stack.token,
    async api(path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers["content-type"] = "application/json";
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      if (options.origin !== undefined) headers.origin = options.origin;
      const response = await fetch(`${urls[options.node ?? 0]}/api/v1${path}`, {
        method: options.method ?? (options.body === undefined ? "GET" : "POST"),
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
      return { status: response.status, body: (await response.json()) as ApiAnswer["body"], headers: response.headers };
    },
    close: () => stack.close(),
  };
}
