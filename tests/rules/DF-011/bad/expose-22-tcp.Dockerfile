# With the protocol, among other ports.
FROM registry.example.com/base/debian:12.6
EXPOSE 8080 22/tcp
