# Modes that keep others out, or give write access to the group only.
FROM registry.example.com/base/alpine:3.20
COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh
RUN mkdir -p /srv/data && chmod 750 /srv/data && chmod g+w,o-rwx /srv/data \
 && chmod u+x /usr/local/bin/entrypoint.sh
USER 10001
