# ADD of a plain local file: COPY does the same without ADD's extra behaviour.
FROM registry.example.com/base/nginx:1.27-alpine
ADD nginx.conf /etc/nginx/nginx.conf
