FROM registry.example.com/base/nginx:1.27-alpine
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:8080/healthz || exit 1
