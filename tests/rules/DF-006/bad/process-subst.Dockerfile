# bash reads the script from a process substitution.
FROM registry.example.com/base/debian:12.6
SHELL ["/bin/bash", "-c"]
RUN bash <(curl -fsSL https://get.example.com/install.sh)
