#!/bin/sh
# The vulnerability database and matching, measured side by side:
#   1. vakt db import of everything in ../shared/data/vulndata/ (records per second, peak
#      RSS). Target: >= 20,000 records/s.
#   2. the real Debian image (curl-slim.docker.tar from make-debian-image.sh) scanned
#      against that data padded with 200,000 synthetic OSV records (bench/gen-osv.py):
#      the package inventory alone (--scanners config) against the whole scan, whose
#      difference is the matching step. Targets: matching <= 50 ms, the whole scan <= 1.5x
#      the inventory alone, peak RSS <= 96 MB.
#
#   bench/vuln-bench.sh [IMAGES]   (default build/debian-images; built when absent, as root)
#
# Needs the release build (make bench builds it) and hyperfine.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
images=${1:-$root/build/debian-images}
data=$root/../shared/data/vulndata
out=$root/bench/out
vakt=${VAKT:-$root/build/release/vakt}
runs=${RUNS:-10}
mkdir -p "$out"
[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (scripts/install-deps.sh installs it)"; exit 1; }
[ -d "$data" ] || { echo "$data is absent: nothing to import"; exit 1; }
if [ ! -f "$images/curl-slim.docker.tar" ]; then
	bash "$root/../shared/tools/make-debian-image.sh" "$images" >"$out/make-debian-image.log" 2>&1 ||
		{ tail -5 "$out/make-debian-image.log"; exit 1; }
fi
image=$images/curl-slim.docker.tar

# 1. import: the median of several runs, each into a new database
db=$out/vulndata.db
rm -f "$db"
/usr/bin/time -f %M -o "$out/import-rss.txt" "$vakt" db import -q --db "$db" "$data" >"$out/import.txt"
cat "$out/import.txt"
rss_import=$(tail -1 "$out/import-rss.txt")
hyperfine --warmup 1 --runs "${IMPORT_RUNS:-7}" --style basic --export-json "$out/import.json" \
	--prepare "rm -f $out/import-bench.db" \
	-n "vakt db import" "$vakt db import -q --db $out/import-bench.db $data" >"$out/import-hyperfine.txt" 2>&1 ||
	{ cat "$out/import-hyperfine.txt"; exit 1; }

# 2. padded database
syn=$out/synthetic-osv.json
[ -f "$syn" ] || /usr/bin/python3 "$root/bench/gen-osv.py" "$syn" 200000 "$images/packages-curl.tsv"
padded=$out/padded.db
rm -f "$padded"
cp "$db" "$padded"
"$vakt" db import -q --db "$padded" "$syn" >"$out/import-padded.txt"
cat "$out/import-padded.txt"

hyperfine -i --warmup 2 --runs "$runs" --style basic --export-json "$out/vuln.json" \
	-n "inventory only" "$vakt image -q --scanners config $image" \
	-n "inventory + vulnerabilities" "$vakt image -q --db $padded --scanners vuln,config $image" \
	>"$out/vuln-hyperfine.txt" 2>&1 || { cat "$out/vuln-hyperfine.txt"; exit 1; }
/usr/bin/time -f %M -o "$out/scan-rss.txt" "$vakt" image -q --db "$padded" --scanners vuln,config "$image" >/dev/null || true
rss_scan=$(tail -1 "$out/scan-rss.txt")
found=$("$vakt" image -q --db "$padded" --scanners vuln -f json "$image" |
	/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["vulnerabilities"]))' || echo "?")

/usr/bin/python3 - "$out" "$rss_import" "$rss_scan" "$found" <<'PY'
import json, re, sys
out, rss_import, rss_scan, found = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
m = re.search(r"imported (\d+) records", open(f"{out}/import.txt").read())
recs = int(m.group(1))
secs = json.load(open(f"{out}/import.json"))["results"][0]["median"]
rate = recs / secs if secs else float("inf")
print(f"import of vulndata: {recs} records in {secs:.2f} s (median, whole process) = {rate:,.0f} records/s "
      f"(target >= 20,000: {'OK' if rate >= 20000 else 'MISSED'}), peak RSS {rss_import / 1024:.1f} MB")
res = {r["command"]: r for r in json.load(open(f"{out}/vuln.json"))["results"]}
inv, full = res["inventory only"]["median"], res["inventory + vulnerabilities"]["median"]
match_ms = (full - inv) * 1000
print(f"scan of curl-slim.docker.tar against vulndata + 200,000 synthetic records ({found} vulnerabilities):")
print(f"  inventory only {inv * 1000:.1f} ms, whole scan {full * 1000:.1f} ms: {full / inv:.2f}x "
      f"(target <= 1.5x: {'OK' if full / inv <= 1.5 else 'MISSED'})")
print(f"  matching step (difference of medians) {match_ms:.1f} ms (target <= 50 ms: "
      f"{'OK' if match_ms <= 50 else 'MISSED'})")
print(f"  peak RSS {rss_scan / 1024:.1f} MB (target <= 96 MB: {'OK' if rss_scan / 1024 <= 96 else 'MISSED'})")
PY
