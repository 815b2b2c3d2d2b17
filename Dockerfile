# The signal server, for one process or many behind a load balancer (see deploy/compose.yaml and README.md).
FROM node:20-bookworm-slim AS build
# better-sqlite3 (the embedded store) compiles against Node's headers.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts skips the extension's build tooling hooks; the one native module is built explicitly.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY shared ./shared
COPY signal-server ./signal-server
RUN npx esbuild signal-server/src/main.ts --bundle --platform=node --format=esm --target=node20 \
      --packages=external --outfile=dist/server.mjs \
 && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/server.mjs"]
