# syntax=docker/dockerfile:1
# One image for every Roomcast process (gateway, relay, migrate, the `roomcast` CLI); the
# compose file picks the command. It runs the compiled build (`npm run build`: one
# JavaScript file per process, the browser pages prebuilt with content-hashed names) with
# production dependencies only — no TypeScript runner, no bundler, no test tools.
#
# Stages:
# - `manifests`: only package.json / package-lock.json files, so the install layers are
#   rebuilt when a dependency changes, not on every source edit;
# - `build`: every dependency (`npm ci`), the sources, `npm run build`;
# - `prod-deps`: `npm ci --omit=dev --omit=optional` on the manifests alone (148 MB of
#   node_modules, against 513 MB with every dependency);
# - `runtime`: prod-deps' node_modules plus what the build wrote (dist/ folders) and what the
#   processes read at run time (prisma/ for the migrator, the CLI launcher); runs as `node`.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -mindepth 1 -type d -empty -delete

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /app ./
# --ignore-scripts: the same install as CI and development (npm 11 skips install scripts);
# the Prisma client is generated into the repository, so nothing needs a postinstall.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /app ./
# --omit=optional too: Prisma's CLI, Studio and TypeScript are optional peers of
# @prisma/client that npm would otherwise keep (packages/db declares the CLI for
# development), 250 MB the processes never load. Nothing optional is needed at run time.
RUN npm ci --omit=dev --omit=optional --workspaces --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# The commit `roomcast_build_info` reports: docker build --build-arg ROOMCAST_BUILD_COMMIT=$(git rev-parse --short HEAD) .
ARG ROOMCAST_BUILD_COMMIT=unknown
ENV NODE_ENV=production ROOMCAST_BUILD_COMMIT=${ROOMCAST_BUILD_COMMIT}
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/packages/db/dist ./packages/db/dist
COPY --from=build /app/apps/relay/dist ./apps/relay/dist
COPY --from=build /app/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /app/apps/gateway/bin ./apps/gateway/bin
# `roomcast <command>`: the gateway package's bin (without tsx it runs dist/cli/roomcast.js).
# npm links it only for the root's dev dependencies, so it is linked here.
RUN ln -s /app/apps/gateway/bin/roomcast.js /usr/local/bin/roomcast
# Files stay owned by root (read-only for the app); the process runs as `node` (uid 1000).
USER node
EXPOSE 3000
CMD ["node", "apps/gateway/dist/main.js"]
