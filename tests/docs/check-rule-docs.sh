#!/bin/sh
# docs/rules/ is generated from the rule table and the fixtures: fail when a rule has no
# page, or a page is stale (regenerate with scripts/gen-rule-docs.py build/dev/vakt).
set -eu
vakt=$1
python=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" "$root/scripts/gen-rule-docs.py" "$vakt" "$tmp"
status=0
for f in "$tmp"/*.md; do
	name=$(basename "$f")
	if [ ! -f "$root/docs/rules/$name" ]; then
		echo "docs/rules/$name is missing"
		status=1
	elif ! cmp -s "$f" "$root/docs/rules/$name"; then
		echo "docs/rules/$name is out of date:"
		diff -u "$root/docs/rules/$name" "$f" | head -20
		status=1
	fi
done
for f in "$root"/docs/rules/*.md; do
	[ -f "$tmp/$(basename "$f")" ] || { echo "docs/rules/$(basename "$f") documents no rule"; status=1; }
done
[ $status -eq 0 ] && echo "rule docs: $(ls "$tmp" | wc -l) pages current"
exit $status
