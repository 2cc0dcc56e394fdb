# USER root:root names root with a group; the user part decides. The last USER wins:
# switching back to root after a non-root USER leaves the image running as root.
FROM registry.example.com/base/debian:12.6
RUN useradd --uid 10001 app
USER app
RUN /usr/local/bin/warm-cache
USER root:root
CMD ["/usr/local/bin/app"]
