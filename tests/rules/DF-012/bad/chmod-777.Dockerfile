FROM registry.example.com/base/alpine:3.20
COPY scripts/ /opt/app/scripts/
RUN chmod -R 777 /opt/app
USER 10001
