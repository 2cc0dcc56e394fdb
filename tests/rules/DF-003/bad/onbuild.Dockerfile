# ONBUILD RUN runs in every image built FROM this one: judged like a RUN.
FROM registry.example.com/base/ubuntu:24.04
ONBUILD RUN sudo /usr/local/bin/setup
USER dev
