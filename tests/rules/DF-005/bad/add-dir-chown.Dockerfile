# Flags do not change it: ADD --chown of a directory is COPY --chown.
FROM registry.example.com/base/node:20.15-alpine3.20
ADD --chown=node:node src/ /app/src/
