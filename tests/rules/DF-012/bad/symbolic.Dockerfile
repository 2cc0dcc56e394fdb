# Symbolic modes count too, and any clause of them: u+rwx,o+w gives others write access.
FROM registry.example.com/base/alpine:3.20
RUN mkdir -p /var/cache/app && chmod u+rwx,o+w /var/cache/app
USER 10001
