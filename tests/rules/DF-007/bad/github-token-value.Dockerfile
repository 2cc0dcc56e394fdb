# A GitHub token as an ARG default, in a build stage: build args are recorded wherever
# they are declared.
FROM registry.example.com/base/golang:1.22.5 AS build
ARG GH=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
RUN git config --global url."https://${GH}@github.com/".insteadOf "https://github.com/"

FROM registry.example.com/base/alpine:3.20
USER 10001
