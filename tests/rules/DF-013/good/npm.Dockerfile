# npm ci installs the lockfile; named packages carry a version.
FROM registry.example.com/base/node:20.15-alpine3.20
RUN npm ci --omit=dev && npm install -g pnpm@9.6.0 @angular/cli@18.1.2
