# COPY writes /app as root, then chown -R rewrites every file into a second layer.
FROM registry.example.com/base/node:20.15-alpine3.20
WORKDIR /app
COPY . /app
RUN chown -R node:node /app
USER node
CMD ["node", "server.js"]
