FROM registry.example.com/base/debian:12.6
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server=1:9.2p1-2+deb12u3 \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
