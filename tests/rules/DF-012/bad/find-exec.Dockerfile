# chmod run by find -exec.
FROM registry.example.com/base/alpine:3.20
COPY data/ /srv/data/
RUN find /srv/data -type d -exec chmod 0777 {} +
USER 10001
