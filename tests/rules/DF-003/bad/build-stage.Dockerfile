# What the build does is judged in every stage, not just the one that becomes the image.
FROM registry.example.com/base/ubuntu:24.04 AS build
RUN sudo make -C /src install

FROM registry.example.com/base/ubuntu:24.04
COPY --from=build /usr/local/bin/tool /usr/local/bin/tool
USER 10001
