# mpc-mock as a container image.
#
#   docker build -t mpc-mock .
#   docker run --rm -p 8080:8080 mpc-mock
#   curl http://127.0.0.1:8080/_mock/health
#
# The default fixtures are baked in at /app/fixtures. To replace them with your own, mount a folder of
# fixture files and point the mock at it:
#   docker run --rm -p 8080:8080 -v ./my-fixtures:/fixtures:ro \
#     -e MPC_MOCK_FIXTURES=/fixtures -e MPC_MOCK_NO_DEFAULT_FIXTURES=true mpc-mock
# (leave out MPC_MOCK_NO_DEFAULT_FIXTURES to load yours beside the defaults). Every option of the CLI has
# an MPC_MOCK_* variable; see `docker run --rm mpc-mock node dist/cli.js --help`.
#
# The media variant has Debian's ffmpeg and starts with the embedded object store and real media processing
# (MPC_MOCK_OBS=embedded, MPC_MOCK_MEDIA=ffmpeg):
#   docker build --target media -t mpc-mock:media .
#   docker run --rm -p 8080:8080 -p 9000:9000 mpc-mock:media
#
# .ci/replay-dockerfile.sh replays this file's steps without Docker (REPLAY_TARGET=media for the variant): keep
# every RUN a plain apt-get or npm command.

FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt binary fits; the slim image has no toolchain.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY openapi ./openapi
COPY fixtures ./fixtures
RUN npm run build
RUN npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/openapi ./openapi
COPY --from=build /app/fixtures ./fixtures
# MPC_MOCK_HOST is the image's host setting (the mock reads MPC_MOCK_HOST, not HOST): listen on every
# interface so a published port reaches it. MPC_MOCK_PORT may be changed; the health check follows it.
ENV NODE_ENV=production \
    MPC_MOCK_HOST=0.0.0.0 \
    MPC_MOCK_PORT=8080
# The files above stay owned by root and read-only to the mock. The task store is in memory by default;
# for MPC_MOCK_DB=<file>, put the file on a volume the node user can write.
USER node
EXPOSE 8080
# The slim image has no curl: node itself asks the health endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD node -e "fetch('http://127.0.0.1:'+(process.env.MPC_MOCK_PORT||8080)+'/_mock/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/cli.js"]

# The media variant (SPEC 11.4): the runtime with ffmpeg, its store and its media processing on.
FROM runtime AS media
USER root
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
USER node
ENV MPC_MOCK_OBS=embedded \
    MPC_MOCK_MEDIA=ffmpeg
EXPOSE 9000

# The last stage is what a plain `docker build .` makes: the slim runtime, without ffmpeg.
FROM runtime AS slim
