/**
 * What a gateway tells a newcomer, from its config: the landing page's links (and so what
 * main.ts prints when ready) and the API description's inputs. One function so the page,
 * the printed URLs and the document agree on what this gateway serves.
 */
import { DEMO_PASSWORD, DEMO_TENANT, DEMO_USERS } from "@roomcast/chat";
import { DEV_ADMIN_PASSWORD, type Config } from "@roomcast/config";
import type { WebAssets } from "../chat/web-assets";
import type { LandingOptions } from "./landing-page";
import type { OpenApiOptions } from "./openapi/openapi-document";

export interface FrontPages {
  landing: LandingOptions;
  openapi: OpenApiOptions;
}

export function frontPages(config: Readonly<Config>, assets: WebAssets | undefined, version: string | undefined): FrontPages {
  const admin = config.admin === undefined ? undefined : { user: config.admin.user, devPassword: config.admin.passwordHash === undefined ? DEV_ADMIN_PASSWORD : undefined };
  const demoUser = DEMO_USERS[0];
  const demo = config.chat.demoSeed && demoUser !== undefined ? { tenant: DEMO_TENANT, email: demoUser.email, password: DEMO_PASSWORD } : undefined;
  return {
    landing: { pages: assets !== undefined, admin, demo },
    openapi: { version: version ?? "0.0.0", webRoutes: [...(assets?.values() ?? [])].map(({ route, type, immutable }) => ({ route, type, immutable })) },
  };
}
