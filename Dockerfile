# signal-push image: one image for every role (SIGNAL_PUSH_ROLE=api | worker | all).

# ---- build: compile TypeScript with the full dependency set ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# Emits dist/src, dist/workflows and dist/activities.
RUN npx tsc -p tsconfig.build.json

# ---- runtime: production dependencies and compiled code only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# @temporalio/worker is a production dependency: the worker bundles dist/workflows with webpack at
# start, and its native core bridge ships prebuilt for linux/glibc, so no build tools are needed.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Default data folder (SIGNAL_PUSH_DATA_DIR=.signal-push): a process started without
# SIGNAL_PUSH_OPERATOR_KEY writes a generated key here, so the non-root user must own it.
RUN mkdir -p /app/.signal-push && chown node:node /app/.signal-push && chmod 700 /app/.signal-push
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
