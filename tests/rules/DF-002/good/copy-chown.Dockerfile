# The owner is set while copying: one layer.
FROM registry.example.com/base/node:20.15-alpine3.20
WORKDIR /app
COPY --chown=node:node . /app
USER node
CMD ["node", "server.js"]
