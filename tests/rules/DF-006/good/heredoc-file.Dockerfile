# syntax=docker/dockerfile:1
# The heredoc is the body of a file written by cat, not a script the RUN runs.
FROM registry.example.com/base/debian:12.6
RUN cat > /usr/local/share/doc/install.txt <<'EOF'
To install the CLI on a workstation: curl -fsSL https://get.example.com/install.sh | sh
EOF
