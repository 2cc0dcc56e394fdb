# "sudo" as an argument (in a message, in a file body read by cat) is not a sudo command.
FROM registry.example.com/base/alpine:3.20
RUN echo "this image has no sudo" > /etc/motd
RUN cat > /usr/local/share/doc/README <<'EOF'
Do not use sudo in this container.
EOF
USER 10001
