# mkdir -m and install -m set modes too.
FROM registry.example.com/base/alpine:3.20
RUN mkdir -p -m 0777 /srv/uploads
USER 10001
