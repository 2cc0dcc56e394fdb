# The port comes from an ARG; EXPOSE is expanded as BuildKit expands it.
FROM registry.example.com/base/debian:12.6
ARG SSH_PORT=22
EXPOSE ${SSH_PORT}
