# Judged in every stage: files written there can be copied into the image with their mode.
FROM registry.example.com/base/alpine:3.20 AS build
RUN mkdir /out && chmod a+w /out

FROM registry.example.com/base/alpine:3.20
COPY --from=build /out /srv/out
USER 10001
