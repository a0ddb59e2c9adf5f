# syntax=docker/dockerfile:1
# grok2api container image: build the single executable with Bun (brought by npm ci), run it on a
# distroless base (glibc, no shell) as a non-root user with /data as the only writable place.
#
#   docker build --build-arg GROK2API_COMMIT=$(git rev-parse --short HEAD) -t grok2api .
#   docker run -d -p 8000:8000 -v grok2api-data:/data grok2api

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
# The console and playground pages are embedded into the binary from here.
COPY public ./public
# No .git in the build context: the commit comes in as a build argument.
ARG GROK2API_COMMIT=unknown
RUN GROK2API_COMMIT="${GROK2API_COMMIT}" ./node_modules/.bin/bun scripts/build.ts --outfile /out/grok2api \
    && mkdir -p /out/data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/grok2api /usr/local/bin/grok2api
# Owned by the nonroot user (65532) so a fresh named volume mounted here is writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATA_DIR=/data \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8000 \
    LOG_FORMAT=json
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8000
# The image has no shell or curl: the binary checks http://127.0.0.1:$SERVER_PORT/health itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/usr/local/bin/grok2api", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/grok2api"]
CMD ["serve"]
