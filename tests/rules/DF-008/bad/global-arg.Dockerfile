# The base comes from a global ARG whose default is :latest.
ARG NODE_IMAGE=node:latest
FROM ${NODE_IMAGE}
USER node
