# A Flotilla node. The CLI runs the TypeScript sources through tsx (a runtime dependency), so the
# image needs no build step: install the locked dependencies, copy the sources.
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so that source changes reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

# 7001: clients; 7101: other nodes (Raft).
EXPOSE 7001 7101
VOLUME ["/data"]

ENTRYPOINT ["node", "bin/flotilla.js"]
CMD ["start", "--host=0.0.0.0", "--data=/data"]
