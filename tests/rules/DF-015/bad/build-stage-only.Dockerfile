# The HEALTHCHECK is in a stage the image does not derive from.
FROM registry.example.com/base/node:20.15-alpine3.20 AS build
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
RUN npm ci && npm run build

FROM registry.example.com/base/nginx:1.27-alpine
COPY --from=build /src/dist /usr/share/nginx/html
