# USER 0 is root by UID.
FROM registry.example.com/base/debian:12.6
RUN useradd --uid 10001 --create-home app
USER 0
CMD ["/usr/local/bin/app"]
