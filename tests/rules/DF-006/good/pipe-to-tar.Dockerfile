# A download piped into tar or sha256sum is data, not code.
FROM registry.example.com/base/debian:12.6
RUN curl -fsSL https://downloads.example.com/tool-1.4.2.tar.gz | tar -xz -C /opt
