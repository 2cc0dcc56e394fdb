# ONBUILD RUN runs in every child image.
FROM registry.example.com/base/debian:12.6
ONBUILD RUN curl -fsSL https://get.example.com/plugins.sh | bash
