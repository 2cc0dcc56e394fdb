# A build arg named as a token: its value is recorded in the image history even without
# a default here.
FROM registry.example.com/base/node:20.15-alpine3.20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
USER node
