FROM registry.example.com/base/alpine:3.20
RUN apk add --no-cache curl
