# The URL comes from a build argument; its expanded value is judged.
ARG TOOL_URL=https://downloads.example.com/tool/1.4.2/tool-linux-amd64.tar.gz
FROM registry.example.com/base/alpine:3.20
ARG TOOL_URL
ADD ${TOOL_URL} /opt/
