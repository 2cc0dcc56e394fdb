# args: --build-arg APP_UID=0
# USER ${APP_UID} is judged with the value the build gives it: --build-arg APP_UID=0.
ARG APP_UID=10001
FROM registry.example.com/base/alpine:3.20
ARG APP_UID
USER ${APP_UID}:${APP_UID}
ENTRYPOINT ["/usr/local/bin/app"]
