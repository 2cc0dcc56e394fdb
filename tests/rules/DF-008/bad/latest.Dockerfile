FROM registry.example.com/base/node:latest
USER node
