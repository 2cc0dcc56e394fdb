# --virtual names a group of packages, not a package.
FROM registry.example.com/base/alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0 \
 && apk del .build-deps
