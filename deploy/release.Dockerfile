# syntax=docker/dockerfile:1
# The release image: the executable the release already built for each architecture
# (scripts/stage-image.ts puts it at dist/image/<arch>/grok2api), on the same distroless base and
# with the same runtime settings as the source-built Dockerfile at the repository root.
FROM gcr.io/distroless/cc-debian12:nonroot
ARG TARGETARCH
COPY dist/image/${TARGETARCH}/grok2api /usr/local/bin/grok2api
# Owned by the nonroot user (65532) so a fresh named volume mounted here is writable.
COPY --chown=65532:65532 dist/image/data /data
ENV DATA_DIR=/data \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8000 \
    LOG_FORMAT=json
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/usr/local/bin/grok2api", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/grok2api"]
CMD ["serve"]
