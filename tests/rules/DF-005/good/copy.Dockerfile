# COPY for plain files.
FROM registry.example.com/base/nginx:1.27-alpine
COPY nginx.conf /etc/nginx/nginx.conf
COPY --chown=nginx:nginx html/ /usr/share/nginx/html/
