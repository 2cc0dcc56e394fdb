# EXPOSE 22 in a build stage the image only copies from: not in the image.
FROM registry.example.com/base/debian:12.6 AS sshd-test
EXPOSE 22
RUN /usr/local/bin/run-integration-tests

FROM registry.example.com/base/nginx:1.27-alpine
COPY --from=sshd-test /srv/report.html /usr/share/nginx/html/
EXPOSE 8080
