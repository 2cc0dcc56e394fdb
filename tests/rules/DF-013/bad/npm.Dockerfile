FROM registry.example.com/base/node:20.15-alpine3.20
RUN npm install -g pnpm
