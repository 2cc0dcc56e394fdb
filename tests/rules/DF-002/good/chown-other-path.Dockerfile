# The chowned directory is created in the same RUN; nothing copied is rewritten.
FROM registry.example.com/base/node:20.15-alpine3.20
COPY . /app
RUN mkdir -p /var/lib/app && chown -R node:node /var/lib/app
USER node
