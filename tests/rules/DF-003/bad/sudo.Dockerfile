# sudo in RUN: the image ships a setuid-root sudo and a sudoers policy.
FROM registry.example.com/base/ubuntu:24.04
RUN useradd -m dev && echo 'dev ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/dev
USER dev
RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends make=4.3-4.1build2 \
 && sudo rm -rf /var/lib/apt/lists/*
