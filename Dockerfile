# Builds the API and the worker (one image, two commands; see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# The image's npm may predate package.json's allowScripts: say no to @scarf/scarf's install-time ping.
ENV SCARF_ANALYTICS=false
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The embedded default writes DATA_DIR (./data): owned by the user the process runs as. No VOLUME:
# the production stack (docker-compose.yml) writes nothing there, and a declared volume gave every
# container an anonymous one; to run the embedded default from this image, mount one
# (`docker run -v jx-data:/app/data …`).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
