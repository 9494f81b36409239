# syntax=docker/dockerfile:1
# One image for every Roomcast process (gateway, relay, migrate); the compose file picks
# the command. TypeScript runs through tsx, as with `npm start`: there is no build step.
#
# Stages: `manifests` keeps only package.json / package-lock.json files, so the `deps`
# layer (npm ci) is rebuilt only when a dependency changes, not on every source edit;
# `runtime` adds the sources and runs as the unprivileged `node` user. Dev dependencies
# stay installed because tsx (the TypeScript runner) is one of them.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -mindepth 1 -type d -empty -delete

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /app ./
# --ignore-scripts: the same install as CI and development (npm 11 skips install scripts);
# the Prisma client is generated into the repository, so nothing needs a postinstall.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app ./
COPY . .
# Files stay owned by root (read-only for the app); the process runs as `node` (uid 1000).
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "apps/gateway/src/main.ts"]
