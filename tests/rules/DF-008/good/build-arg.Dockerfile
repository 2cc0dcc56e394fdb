# args: --build-arg NODE_IMAGE=node:20.15-alpine3.20
# The build argument given to the build replaces the :latest default.
ARG NODE_IMAGE=node:latest
FROM ${NODE_IMAGE}
USER node
