FROM registry.example.com/base/debian:12.6
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
