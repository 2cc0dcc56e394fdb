FROM registry.example.com/base/fedora:40
RUN dnf install -y nginx-1.26.1
