# A world-writable directory with the sticky bit (1777, like /tmp) is the standard
# shared scratch space: others may add files but not replace anyone else's.
FROM registry.example.com/base/alpine:3.20
RUN mkdir -p /var/tmp/app && chmod 1777 /var/tmp/app
USER 10001
