#!/bin/sh
# Install everything vakt needs to build and test on Debian 12, from Debian's own packages.
#
#   scripts/install-deps.sh           install what is missing (needs root, or sudo)
#   scripts/install-deps.sh --check   only report what is missing; exit 1 if anything is
#
# Packages already installed are not touched, so a second run is fast and offline.
set -eu

# Build: compiler, CMake + Ninja, pkg-config.
build="build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format"
# Libraries vakt links against.
libs="libyaml-dev libjansson-dev libarchive-dev zlib1g-dev libzstd-dev libseccomp-dev libcap-dev
libssl-dev libcurl4-openssl-dev libsqlite3-dev libmicrohttpd-dev libhyperscan-dev libcmocka-dev"
# Tools the tests and benchmarks run: schema validation, peers run side by side.
tools="python3 python3-jsonschema python3-yaml python3-apt python3-rpm python3-packaging nodejs node-semver hyperfine time
crun runc podman conmon skopeo umoci debootstrap rpm db5.3-util zstd busybox-static uidmap iproute2 bubblewrap passt
file procps"

pkgs="$build $libs $tools"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all $(echo $pkgs | wc -w) packages present"
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "install-deps: missing:$missing"
	exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
