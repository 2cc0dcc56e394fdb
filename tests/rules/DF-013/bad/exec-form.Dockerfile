FROM registry.example.com/base/debian:12.6
RUN ["apt-get", "install", "-y", "git"]
