# OComms in a container: a multi-stage build, a small runtime image, a non-root user, the data
# directory as a volume and a health check.
#
#   docker build -t ocomms .
#   docker run -p 3000:3000 -v ocomms-data:/var/lib/ocomms ocomms
#
# deploy/docker-compose.yml runs one node; deploy/docker-compose.scale.yml runs two behind a
# proxy with PostgreSQL, Redis and S3-compatible storage.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY web web
RUN cargo build --release --locked -p ocomms \
    && install -D -m 0755 target/release/ocomms /out/ocomms \
    && install -d -m 0750 /out/data

# glibc and CA certificates, no shell, uid 65532: the binary needs nothing else.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/ocomms /usr/local/bin/ocomms
COPY --from=build --chown=65532:65532 /out/data /var/lib/ocomms
ENV OCOMMS_LISTEN=0.0.0.0:3000 \
    OCOMMS_DATA_DIR=/var/lib/ocomms
VOLUME ["/var/lib/ocomms"]
EXPOSE 3000
USER 65532:65532
# `ocomms health` asks GET /healthz of the address the server listens on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/ocomms", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ocomms"]
CMD ["serve"]
