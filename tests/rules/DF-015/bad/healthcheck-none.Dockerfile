# HEALTHCHECK NONE turns off a check the base image may define.
FROM registry.example.com/base/nginx:1.27-alpine
HEALTHCHECK NONE
