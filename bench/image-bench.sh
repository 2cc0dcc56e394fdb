#!/bin/sh
# vakt image on real Debian images, against the floors it must beat, measured side by side:
#   - the docker-archive (curl-slim.docker.tar): `tar -xf` of the same archive into a tmpfs
#     (what unpacking the image costs at the least). Target: vakt <= 0.2x.
#   - the gzip OCI layout (oci:curl-slim): `gzip -dc` of its layer blobs to /dev/null (the
#     floor for compressed input: every byte must be inflated). Target: vakt <= 1.2x.
#   - --verify-digests on the docker-archive: `sha256sum` of the same archive (every byte
#     must be hashed). Target: vakt <= 1.3x. The OCI layout is measured as well, against
#     sha256sum of its blobs plus gzip -dc of its layers (hash and inflate: its floor).
#   - peak RSS of every vakt run. Target: <= 64 MB.
#
#   bench/image-bench.sh [IMAGES]   (default build/debian-images, built when absent by
#                                    ../shared/tools/make-debian-image.sh: needs root)
#
# Needs the release build (make bench builds it) and hyperfine. vakt exits 1 on these
# images (they run as root: a finding), hence hyperfine -i.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
images=${1:-$root/build/debian-images}
out=$root/bench/out
vakt=${VAKT:-$root/build/release/vakt}
runs=${RUNS:-10}
mkdir -p "$out"
[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (scripts/install-deps.sh installs it)"; exit 1; }

if [ ! -f "$images/curl-slim.docker.tar" ] || [ ! -d "$images/oci" ]; then
	make_image=$root/../shared/tools/make-debian-image.sh
	[ -f "$make_image" ] || { echo "no images in $images and no $make_image to build them"; exit 1; }
	echo "building the Debian images into $images (2-3 minutes)"
	bash "$make_image" "$images" >"$out/make-debian-image.log" 2>&1 ||
		{ tail -5 "$out/make-debian-image.log"; exit 1; }
fi

docker=$images/curl-slim.docker.tar
oci=$images/oci
# the blobs of oci:curl-slim: its manifest, config and layers (gzip)
eval "$(/usr/bin/python3 - "$oci" <<'PY'
import json, sys
oci = sys.argv[1]
def blob(d):
    a, h = d["digest"].split(":")
    return f"{oci}/blobs/{a}/{h}"
index = json.load(open(f"{oci}/index.json"))
m = next(d for d in index["manifests"]
         if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == "curl-slim")
man = json.load(open(blob(m)))
layers = [blob(l) for l in man["layers"]]
print(f"layers='{' '.join(layers)}'")
print(f"blobs='{' '.join([blob(m), blob(man['config'])] + layers)}'")
PY
)"

tmp=$(mktemp -d /dev/shm/vakt-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mb() { du -Lm "$@" | awk '{s += $1} END {print s}'; }
echo "docker-archive: $(mb "$docker") MB; OCI layout layers: $(mb $layers) MB gzip"

hf() { hyperfine -i --warmup 2 --runs "$runs" --style basic "$@"; }
hf --export-json "$out/img-docker.json" \
	-n "tar -xf (tmpfs)" --prepare "rm -rf $tmp/x && mkdir $tmp/x" "tar -xf $docker -C $tmp/x" \
	-n "vakt image" "$vakt image -q --list-packages $docker" >"$out/img-hyperfine.txt" 2>&1 ||
	{ cat "$out/img-hyperfine.txt"; exit 1; }
hf --export-json "$out/img-oci.json" \
	-n "gzip -dc" "gzip -dc $layers >/dev/null" \
	-n "vakt image" "$vakt image -q --list-packages $oci:curl-slim" >>"$out/img-hyperfine.txt" 2>&1 ||
	{ cat "$out/img-hyperfine.txt"; exit 1; }
hf --export-json "$out/img-verify.json" \
	-n "sha256sum" "sha256sum $docker >/dev/null" \
	-n "openssl dgst -sha256" "openssl dgst -sha256 $docker >/dev/null" \
	-n "vakt image --verify-digests" "$vakt image -q --list-packages --verify-digests $docker" >>"$out/img-hyperfine.txt" 2>&1 ||
	{ cat "$out/img-hyperfine.txt"; exit 1; }
hf --export-json "$out/img-verify-oci.json" \
	-n "sha256sum + gzip -dc" "sha256sum $blobs >/dev/null && gzip -dc $layers >/dev/null" \
	-n "vakt image --verify-digests" "$vakt image -q --list-packages --verify-digests $oci:curl-slim" >>"$out/img-hyperfine.txt" 2>&1 ||
	{ cat "$out/img-hyperfine.txt"; exit 1; }

rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$out/rss.txt" || true; tail -1 "$out/rss.txt"; }
rss_docker=$(rss "$vakt" image -q --list-packages "$docker")
rss_oci=$(rss "$vakt" image -q --list-packages "$oci:curl-slim")
rss_verify=$(rss "$vakt" image -q --list-packages --verify-digests "$oci:curl-slim")
rss_stdin=$(sh -c "/usr/bin/time -f %M $vakt image -q --list-packages - <$docker >/dev/null 2>$out/rss.txt; tail -1 $out/rss.txt" || true)

/usr/bin/python3 - "$out" "$rss_docker" "$rss_oci" "$rss_verify" "$rss_stdin" <<'PY'
import json, sys
out = sys.argv[1]
def load(name):
    return {r["command"]: r for r in json.load(open(f"{out}/{name}"))["results"]}
rows = []
def pair(title, name, floor, target):
    res = load(name)
    f, v = res[floor]["median"], next(r for k, r in res.items() if k.startswith("vakt"))["median"]
    ratio = v / f
    print(f"{title:34} {floor:22} {f * 1000:8.1f} ms   vakt {v * 1000:8.1f} ms   "
          f"{ratio:5.2f}x  (target <= {target}x: {'OK' if ratio <= target else 'MISSED'})")
pair("docker-archive", "img-docker.json", "tar -xf (tmpfs)", 0.2)
pair("OCI layout, gzip", "img-oci.json", "gzip -dc", 1.2)
pair("--verify-digests, docker-archive", "img-verify.json", "sha256sum", 1.3)
res = load("img-verify.json")
f, v = res["openssl dgst -sha256"]["median"], res["vakt image --verify-digests"]["median"]
print(f"{'  (same, against OpenSSL)':34} {'openssl dgst -sha256':22} {f * 1000:8.1f} ms   vakt {v * 1000:8.1f} ms   "
      f"{v / f:5.2f}x  (vakt hashes with OpenSSL too: the hashing floor on this CPU)")
res = load("img-verify-oci.json")
f = res["sha256sum + gzip -dc"]["median"]
v = res["vakt image --verify-digests"]["median"]
print(f"{'--verify-digests, OCI gzip':34} {'sha256sum + gzip -dc':22} {f * 1000:8.1f} ms   "
      f"vakt {v * 1000:8.1f} ms   {v / f:5.2f}x  (no target: hashing and inflating both)")
rss = [int(x) / 1024 for x in sys.argv[2:6]]
peak = max(rss)
print(f"peak RSS: docker-archive {rss[0]:.1f} MB, OCI {rss[1]:.1f} MB, --verify-digests {rss[2]:.1f} MB, "
      f"stdin {rss[3]:.1f} MB (target <= 64 MB: {'OK' if peak <= 64 else 'MISSED'})")
PY
