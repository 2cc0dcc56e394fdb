# ADD of a local archive is not a download (and unpacking one is what ADD is for).
FROM registry.example.com/base/alpine:3.20
ADD rootfs.tar.gz /
