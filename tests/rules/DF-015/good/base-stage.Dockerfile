# A HEALTHCHECK in the stage the image is built FROM is inherited.
FROM registry.example.com/base/nginx:1.27-alpine AS base
HEALTHCHECK CMD ["wget", "-qO-", "http://localhost:8080/healthz"]

FROM base
COPY html/ /usr/share/nginx/html/
