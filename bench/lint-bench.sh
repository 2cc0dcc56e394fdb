#!/bin/sh
# vakt lint against the floor: libyaml's event parser over the same files.
#
#   bench/lint-bench.sh [COUNT]     (default 10,000 manifests, about 50 MB)
#
# Needs the release build (make bench builds it) and hyperfine. Prints both medians,
# their ratio and vakt's peak RSS; the targets are ratio <= 2 and RSS <= 64 MB whatever
# the corpus size (RSS is also printed for a corpus ten times smaller, to show it does not
# grow with the input).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-10000}
out=$root/bench/out
vakt=$root/build/release/vakt
floor=$out/yaml-floor
mkdir -p "$out"

[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }
cc -O2 -o "$floor" "$root/bench/yaml-floor.c" $(pkg-config --cflags --libs yaml-0.1)

corpus=$out/corpus-$count
if [ ! -d "$corpus" ]; then
	/usr/bin/python3 "$root/bench/gen-corpus.py" "$corpus" "$count"
fi
small=$out/corpus-$((count / 10))
[ -d "$small" ] || /usr/bin/python3 "$root/bench/gen-corpus.py" "$small" $((count / 10)) >/dev/null
echo "corpus: $(find "$corpus" -type f | wc -l) files, $(find "$corpus" -type f -exec cat {} + | wc -c | awk '{printf "%.1f", $1 / 1e6}') MB"
"$floor" "$corpus"

# warm the page cache, then time both, alternating, in one hyperfine run
hyperfine -i --warmup 2 --runs "${RUNS:-10}" --export-json "$out/lint-bench.json" --style basic \
	-n floor "$floor $corpus" \
	-n "vakt lint" "$vakt lint --no-config -q $corpus" \
	-n "vakt lint --pss restricted -f json" "$vakt lint --no-config -q --pss restricted -f json $corpus" \
	>"$out/hyperfine.txt" 2>&1 || { cat "$out/hyperfine.txt"; exit 1; }

rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$out/rss.txt" || true; tail -1 "$out/rss.txt"; }
rss_big=$(rss "$vakt" lint --no-config -q --pss restricted -f json "$corpus")
rss_small=$(rss "$vakt" lint --no-config -q --pss restricted -f json "$small")
rss_floor=$(rss "$floor" "$corpus")

/usr/bin/python3 - "$out/lint-bench.json" "$rss_big" "$rss_small" "$rss_floor" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
floor = res["floor"]["median"]
print(f"{'':38} {'median':>9} {'min':>9} {'ratio':>7}")
for name, r in res.items():
    print(f"{name:38} {r['median']:8.3f}s {r['min']:8.3f}s {r['median'] / floor:6.2f}x")
big, small, fl = (int(x) / 1024 for x in sys.argv[2:5])
ratio = res["vakt lint"]["median"] / floor
print(f"peak RSS: vakt {big:.1f} MB (corpus/10: {small:.1f} MB), floor {fl:.1f} MB")
print(f"target: vakt lint <= 2.00x the floor -> {ratio:.2f}x {'OK' if ratio <= 2 else 'MISSED'}; "
      f"RSS <= 64 MB -> {'OK' if big <= 64 else 'MISSED'}")
PY
