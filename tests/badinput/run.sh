#!/bin/sh
# Hostile and broken inputs: each must end in bounded time and memory with a clear
# message naming the file (and the line where there is one), exit code 3, and the other
# inputs still reported. Inputs too big to commit are generated here.
#
#   run.sh VAKT WORKDIR
set -u
vakt=$1
work=$2
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
fail=0

# expect NAME EXIT PATTERN -- ARGS...: run vakt with a time and memory bound, check the
# exit code and that the output (stderr, then stdout) matches PATTERN (grep -E).
expect() {
	name=$1 code=$2 pattern=$3
	shift 4
	start=$(date +%s)
	# 30 s and 1 GiB of address space (ASan reserves more: then only time is bounded)
	if [ -n "${ASAN_OPTIONS:-}" ] || ldd "$vakt" 2>/dev/null | grep -q asan; then
		timeout 120 "$vakt" "$@" >"$work/$name.out" 2>"$work/$name.err"
	else
		(ulimit -v 1048576; timeout 30 "$vakt" "$@" >"$work/$name.out" 2>"$work/$name.err")
	fi
	got=$?
	end=$(date +%s)
	if [ "$got" != "$code" ]; then
		echo "FAIL $name: exit $got, expected $code"; sed 's/^/    /' "$work/$name.err" | head -5
		fail=1
	elif ! cat "$work/$name.err" "$work/$name.out" | grep -Eq "$pattern"; then
		echo "FAIL $name: output does not match /$pattern/:"; sed 's/^/    /' "$work/$name.err" | head -5
		fail=1
	else
		echo "ok   $name ($((end - start)) s): $(head -1 "$work/$name.err")"
	fi
}

good=$src/../pss/seed/article-deployment.yaml

# 10,000-deep nesting, in block and in flow style
/usr/bin/python3 -c "print('[' * 10000 + ']' * 10000)" >"$work/deep-flow.yaml"
/usr/bin/python3 -c "
for i in range(10000): print('  ' * i + 'k%d:' % i)
" >"$work/deep-block.yaml"
expect deep-flow 3 "deep-flow.yaml:1:257: nesting is deeper than 256 levels" -- lint "$work/deep-flow.yaml" "$good"
expect deep-block 3 "deep-block.yaml:257:.*nesting is deeper than 256 levels" -- lint "$work/deep-block.yaml" "$good"

# billion laughs: nine levels of nine aliases; Kubernetes' decoder refuses it, and so
# does vakt, at the line where the expansion passes go-yaml's aliasing ratio
expect billion-laughs 3 "billion-laughs.yaml:10:24: document contains excessive aliasing" -- lint "$src/billion-laughs.yaml" "$good"

# merge keys fanning out through aliases (16 levels of eight): bounded like any aliasing
/usr/bin/python3 -c "
L = ['x:', '  a0: &a0 {foo: 1}']
L += ['  a%d: &a%d {<<: [%s]}' % (i, i, ', '.join(['*a%d' % (i - 1)] * 8)) for i in range(1, 16)]
print('\\n'.join(L + ['<<: *a15']))
" >"$work/merge-fanout.yaml"
expect merge-fanout 3 "merge-fanout.yaml:[0-9]+:[0-9]+: document contains excessive aliasing" -- lint "$work/merge-fanout.yaml" "$good"

# one container aliased 999,000 times: Kubernetes refuses it; vakt must not expand it
/usr/bin/python3 -c "
print('apiVersion: v1\\nkind: Pod\\nmetadata: {name: amp}\\nspec:\\n  containers:\\n  - &c {name: c, image: \"c:1\", securityContext: {privileged: true}}')
import sys
sys.stdout.write('  - *c\\n' * 999000)
" >"$work/amplify.yaml"
expect amplify 3 "amplify.yaml:[0-9]+:[0-9]+: document contains excessive aliasing" -- lint "$work/amplify.yaml" "$good"

# 200,000 annotation keys (AppArmor and ignore annotations are read per key): no
# quadratic work on a large mapping
/usr/bin/python3 -c "
print('apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\n  annotations:')
for i in range(200000): print('    container.apparmor.security.beta.kubernetes.io/c%d: unconfined' % i)
print('spec:\n  containers: [{name: c, image: \"c:1\"}]')
" >"$work/many-annotations.yaml"
expect many-annotations 1 "PSS-appArmorProfile" -- lint --pss baseline "$work/many-annotations.yaml"

# a 200 MB single document: stopped at the document limit, not read to the end
/usr/bin/python3 -c "
import sys
sys.stdout.write('apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\n  annotations:\n    a: \"')
chunk = 'x' * (1 << 20)
for _ in range(200): sys.stdout.write(chunk)
sys.stdout.write('\"\n')
" >"$work/huge-200mb.yaml"
expect huge-document 3 "huge-200mb.yaml:1: document is larger than the 16 MiB limit" -- lint "$work/huge-200mb.yaml" "$good"
# the same file against a smaller file limit: refused before reading
expect huge-file 3 "huge-200mb.yaml: file is larger than the 100 MiB limit" -- lint --max-file-size 100M "$work/huge-200mb.yaml" "$good"
rm -f "$work/huge-200mb.yaml"

# binary and non-UTF-8 input
head -c 65536 /dev/urandom >"$work/random.yaml"
expect binary 3 "random.yaml(:[0-9]+:[0-9]+)?: not valid YAML or JSON text" -- lint "$work/random.yaml" "$good"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\351\n' >"$work/latin1.yaml"
expect latin1 3 "latin1.yaml:4:12: not valid YAML or JSON text: incomplete UTF-8 octet sequence" -- lint "$work/latin1.yaml" "$good"

# wrong types where a mapping is expected
expect wrong-type 3 "wrong-type.yaml:10:24: Pod wrong-type: spec.containers\[0\].securityContext: expected a mapping, got string" -- lint "$src/../formats/inputs/wrong-type.yaml" "$good"
expect spec-sequence 3 "spec-sequence.yaml:6:3: Deployment d: spec: expected a mapping, got sequence" -- lint "$src/spec-sequence.yaml" "$good"

# invalid YAML and JSON: position, and the other file still reported (its findings on stdout)
expect invalid-yaml 3 "broken.yaml:8:1: invalid YAML" -- lint "$src/../formats/inputs/broken.yaml" "$good"
grep -q "PSS-\|K8S-002" "$work/invalid-yaml.out" || { echo "FAIL invalid-yaml: other input not reported"; fail=1; }
expect invalid-json 3 "broken.json:5:3: invalid JSON" -- lint "$src/broken.json" "$good"

# unreadable things: a directory as a file is walked, a FIFO is refused without blocking
mkfifo "$work/fifo.yaml"
expect fifo 3 "fifo.yaml: not a regular file" -- lint "$work/fifo.yaml" "$good"
expect missing 3 "does-not-exist.yaml: cannot open: No such file" -- lint "$work/does-not-exist.yaml" "$good"

# ---- Dockerfiles, compose files, scripts ----------------------------------------------------
mkdir -p "$work/df"
printf 'FROM alpine:3.20\nRUN <<EOF\napk add --no-cache curl\n' >"$work/df/heredoc.Dockerfile"
expect df-heredoc 3 "heredoc.Dockerfile:2:5: unterminated heredoc" -- lint "$work/df/heredoc.Dockerfile" "$good"
printf 'FROM alpine:3.20\nRUN echo one \\\n' >"$work/df/continuation.Dockerfile"
expect df-continuation 1 "DF-" -- lint "$work/df/continuation.Dockerfile"
printf 'FROM alpine:3.20\nCMD ["sh", "-c", "echo \\u0000"]\n' >"$work/df/nul.Dockerfile"
expect df-json-nul 3 "nul.Dockerfile:2:[0-9]+: " -- lint "$work/df/nul.Dockerfile" "$good"
head -c 65536 /dev/urandom >"$work/df/Dockerfile"
expect df-binary 3 "df/Dockerfile(:[0-9]+(:[0-9]+)?)?: " -- lint "$work/df/Dockerfile" "$good"
# a 100 MB Dockerfile: refused at the per-file limit for whole-file inputs (16 MiB)
/usr/bin/python3 -c "
import sys
sys.stdout.write('FROM alpine:3.20\n')
line = 'RUN echo ' + 'x' * 1000 + '\n'
for _ in range(100 * 1024): sys.stdout.write(line)
" >"$work/df/huge.Dockerfile"
expect df-huge 3 "huge.Dockerfile: input is larger than the 16 MiB limit" -- lint "$work/df/huge.Dockerfile" "$good"
rm -f "$work/df/huge.Dockerfile"

printf '#!/bin/sh\ndocker run --rm "alpine:3.20\n' >"$work/df/quote.sh"
expect sh-quote 3 "quote.sh:2:[0-9]+: unterminated double quote" -- lint "$work/df/quote.sh" "$good"
printf 'services:\n  - web\n' >"$work/df/compose.yaml"
expect compose-shape 3 "df/compose.yaml:2:3: .*services" -- lint "$work/df/compose.yaml" "$good"
expect docker-run-no-image 3 "<docker-run>:1:[0-9]+: " -- lint --docker-run "docker run --rm --user"

exit $fail
