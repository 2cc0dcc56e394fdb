#!/bin/sh
# vakt lint over 10,000 Dockerfiles, against the floor (cat of the same files) and a real
# peer, dockerfilelint from the npm registry, all measured here side by side.
#
#   bench/dockerfile-bench.sh [COUNT]     (default 10,000)
#
# Needs the release build (make bench builds it), hyperfine, and npm for the peer (the
# peer is skipped, with a message, when npm is missing). Targets: vakt <= 3x the floor,
# >= 20x faster than dockerfilelint. Prints medians, ratios and peak RSS.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-10000}
out=$root/bench/out
vakt=$root/build/release/vakt
mkdir -p "$out"
[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }

corpus=$out/dockerfiles-$count
[ -d "$corpus" ] || /usr/bin/python3 "$root/bench/gen-dockerfiles.py" "$corpus" "$count"
find "$corpus" -name Dockerfile | sort >"$out/dockerfiles.txt"
echo "corpus: $(wc -l <"$out/dockerfiles.txt") Dockerfiles, $(xargs cat <"$out/dockerfiles.txt" | wc -c | awk '{printf "%.1f", $1 / 1e6}') MB"

peer=""
if command -v npm >/dev/null 2>&1; then
	if [ ! -x "$out/npm/node_modules/.bin/dockerfilelint" ]; then
		npm install --silent --no-audit --no-fund --prefix "$out/npm" dockerfilelint@1.8.0 >/dev/null 2>&1 ||
			echo "(could not install dockerfilelint from the npm registry: peer skipped)"
	fi
	[ -x "$out/npm/node_modules/.bin/dockerfilelint" ] && peer=$out/npm/node_modules/.bin/dockerfilelint
else
	echo "(npm is not installed: the dockerfilelint comparison is skipped; apt-get install npm)"
fi

hyperfine -i --warmup 2 --runs "${RUNS:-10}" --export-json "$out/df-fast.json" --style basic \
	-n floor "xargs cat <$out/dockerfiles.txt >/dev/null" \
	-n "vakt lint" "$vakt lint --no-config -q $corpus" >"$out/df-hyperfine.txt" 2>&1 ||
	{ cat "$out/df-hyperfine.txt"; exit 1; }
if [ -n "$peer" ]; then
	hyperfine -i --warmup 1 --runs "${PEER_RUNS:-3}" --export-json "$out/df-peer.json" --style basic \
		-n dockerfilelint "xargs $peer <$out/dockerfiles.txt" >>"$out/df-hyperfine.txt" 2>&1 ||
		{ cat "$out/df-hyperfine.txt"; exit 1; }
fi

rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$out/rss.txt" || true; tail -1 "$out/rss.txt"; }
rss_vakt=$(rss "$vakt" lint --no-config -q "$corpus")
rss_peer=0
[ -n "$peer" ] && rss_peer=$(sh -c "xargs /usr/bin/time -f %M $peer <$out/dockerfiles.txt >/dev/null 2>$out/rss-peer.txt; tail -1 $out/rss-peer.txt" || echo 0)

/usr/bin/python3 - "$out/df-fast.json" "$out/df-peer.json" "$rss_vakt" "$rss_peer" "$peer" <<'PY'
import json, os, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
if sys.argv[5] and os.path.exists(sys.argv[2]):
    res.update({r["command"]: r for r in json.load(open(sys.argv[2]))["results"]})
floor, vakt = res["floor"]["median"], res["vakt lint"]["median"]
print(f"{'':20} {'median':>9} {'min':>9}  vs floor")
for name, r in res.items():
    print(f"{name:20} {r['median']:8.3f}s {r['min']:8.3f}s  {r['median'] / floor:7.2f}x")
print(f"peak RSS: vakt {int(sys.argv[3]) / 1024:.1f} MB" +
      (f", dockerfilelint {int(sys.argv[4]) / 1024:.1f} MB" if sys.argv[5] else ""))
print(f"target: vakt <= 3x the floor -> {vakt / floor:.2f}x {'OK' if vakt / floor <= 3 else 'MISSED'}")
if "dockerfilelint" in res:
    speed = res["dockerfilelint"]["median"] / vakt
    print(f"target: >= 20x faster than dockerfilelint -> {speed:.1f}x {'OK' if speed >= 20 else 'MISSED'}")
PY
