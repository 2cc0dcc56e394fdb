# USER from build arguments: the stage's ARG takes the global default, 10001.
ARG APP_UID=10001
FROM registry.example.com/base/alpine:3.20
ARG APP_UID
USER ${APP_UID}:${APP_UID}
ENTRYPOINT ["/usr/local/bin/app"]
