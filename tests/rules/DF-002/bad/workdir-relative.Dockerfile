# Relative paths are taken from WORKDIR: ./dist/ lands in /srv/dist, which chown -R /srv
# covers.
FROM registry.example.com/base/nginx:1.27-alpine
WORKDIR /srv
COPY dist/ ./dist/
RUN apk add --no-cache tini=0.19.0-r3 \
 && chown -R nginx:nginx /srv
USER nginx
