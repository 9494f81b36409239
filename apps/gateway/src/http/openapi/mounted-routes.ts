/**
 * Every route an Express application has mounted, read from its router stack (Express 5,
 * router 2: a layer's `route` is an endpoint, a layer whose `handle` has a `stack` is a
 * nested router mounted at the layer's `rawPath`). Paths come back in OpenAPI form
 * (`/chat/sessions/{id}`), so they can be looked up in the API description; a route whose
 * path is a regular expression comes back as its source, which no description matches.
 */
export interface MountedRoute {
  method: string;
  path: string;
}

interface RouteLike {
  path: unknown;
  methods: Record<string, boolean | undefined>;
}

interface LayerLike {
  route?: RouteLike;
  rawPath?: unknown;
  handle?: { stack?: LayerLike[] };
}

const toOpenApi = (path: string) => path.replace(/:(\w+)/g, "{$1}");

function paths(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.flatMap(paths);
  if (typeof raw === "string") return [raw];
  return [String(raw)];
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}${path === "/" && prefix !== "" ? "" : path}`;
  return joined === "" ? "/" : joined;
}

function walk(stack: readonly LayerLike[], prefix: string, out: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const methods = Object.keys(layer.route.methods).filter((method) => layer.route?.methods[method] === true);
      for (const path of paths(layer.route.path)) for (const method of methods) out.push({ method, path: toOpenApi(join(prefix, path)) });
    } else if (layer.handle?.stack !== undefined) {
      for (const mount of paths(layer.rawPath ?? "/")) walk(layer.handle.stack, mount === "/" ? prefix : `${prefix}${mount}`, out);
    }
  }
}

/** The application's routes, in mount order, without duplicates. */
export function mountedRoutes(app: { router: unknown }): MountedRoute[] {
  const out: MountedRoute[] = [];
  walk((app.router as { stack: LayerLike[] }).stack, "", out);
  const seen = new Set<string>();
  return out.filter((route) => {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
