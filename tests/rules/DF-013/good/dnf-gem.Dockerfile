FROM registry.example.com/base/fedora:40
RUN dnf install -y nginx-1.26.1 && dnf clean all \
 && gem install rails -v 7.1.3 && gem install bundler:2.5.16
