FROM registry.example.com/base/nginx:1.27-alpine
EXPOSE 8080/tcp
