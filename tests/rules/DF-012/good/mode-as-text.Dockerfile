# "chmod 777" as text in an argument is not a chmod.
FROM registry.example.com/base/alpine:3.20
RUN echo "never chmod 777 in this image" > /etc/motd
USER 10001
