# The lists fetched by apt-get update stay in this layer, whatever later layers remove.
FROM registry.example.com/base/debian:12.6
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*
