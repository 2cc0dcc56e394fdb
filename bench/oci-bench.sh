#!/bin/sh
# vakt oci as an OCI runtime, side by side with crun and runc on the same bundle:
#   1. `create` + `start` + `delete --force` of a bundle running /bin/true (`runc spec`'s
#      config: no user namespace, runc's default capabilities, no seccomp profile), RUNS
#      times each. vakt runs it under its default policy, which is part of what is timed:
#      it drops every capability, forces no_new_privs, adds its seccomp filter, a pids
#      limit and tmpfs mounts. Target: vakt's median <= crun's.
#   2. `podman run --rm` of a busybox image with each runtime (PODMAN_RUNS times).
# Before timing, vakt's container shows Seccomp 2, CapEff 0 and NoNewPrivs 1, or the
# script fails (the policy must really be on).
#
#   bench/oci-bench.sh        (as root; RUNS=50, PODMAN_RUNS=10 by default)
#
# Needs the release build (make bench builds it), hyperfine, busybox, crun, runc, podman
# (scripts/install-deps.sh installs them; a missing peer is skipped with a message).
# On hybrid cgroups (v1 controllers plus an empty v2 hierarchy at /sys/fs/cgroup/unified,
# as on this host) crun refuses to start; its side runs inside `unshare -m --propagation
# private` with /sys/fs/cgroup/unified unmounted there (see run-bench.sh).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
vakt=${VAKT:-$root/build/release/vakt}
runs=${RUNS:-50}
podman_runs=${PODMAN_RUNS:-10}
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "oci-bench: run as root"; exit 1; }
[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (scripts/install-deps.sh installs it)"; exit 1; }
command -v runc >/dev/null || { echo "runc is missing: it writes the bundle's config (apt-get install runc)"; exit 1; }

rootfs=$out/oci-rootfs
bb=""
for b in /bin/busybox /usr/bin/busybox; do [ -x "$b" ] && { bb=$b; break; }; done
[ -n "$bb" ] || { echo "busybox is missing (apt-get install busybox-static)"; exit 1; }
rm -rf "$rootfs"
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp" "$rootfs/run" "$rootfs/var/tmp"
cp "$bb" "$rootfs/bin/busybox"
for l in true sh cat; do ln -s busybox "$rootfs/bin/$l"; done
chmod -R a+rX "$rootfs"

bundle=$out/oci-bundle
rm -rf "$bundle"
mkdir -p "$bundle"
runc spec -b "$bundle"
/usr/bin/python3 - "$bundle/config.json" "$rootfs" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"] = {"path": sys.argv[2], "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

hybrid() {
	if grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/self/mounts; then
		unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
	else
		"$@"
	fi
}

# the policy really is on: the same bundle, running cat /proc/self/status
st=$out/oci-bundle-status
rm -rf "$st"
mkdir -p "$st"
/usr/bin/python3 - "$bundle/config.json" "$st/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/cat", "/proc/self/status"]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
vroot=$out/oci-state-vakt
rm -rf "$vroot"
"$vakt" oci --root "$vroot" run --bundle "$st" status-check >"$out/oci-status.txt" 2>&1 || {
	echo "oci-bench: vakt could not run the bundle:"
	cat "$out/oci-status.txt"
	exit 1
}
s=$(awk '$1 == "Seccomp:" {s = $2} $1 == "CapEff:" {c = $2} $1 == "NoNewPrivs:" {n = $2} END {print s, c, n}' \
	"$out/oci-status.txt")
[ "$s" = "2 0000000000000000 1" ] || { echo "oci-bench: vakt's policy is not on (Seccomp, CapEff, NoNewPrivs: $s)"; exit 1; }
echo "vakt under its default policy: Seccomp 2, CapEff 0, NoNewPrivs 1"

lifecycle() { # RUNTIME STATE-ROOT: create + start + delete, one container per hyperfine run
	echo "$1 --root $2 create --bundle $bundle c\$\$ && $1 --root $2 start c\$\$ && $1 --root $2 delete --force c\$\$"
}
json=$out/oci-lifecycle
rm -f "$json".*.json
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json.vakt.json" -n vakt \
	"sh -c '$(lifecycle "$vakt oci" "$vroot")'" >/dev/null
if command -v runc >/dev/null; then
	hyperfine -N --warmup 3 --runs "$runs" --export-json "$json.runc.json" -n runc \
		"sh -c '$(lifecycle runc "$out/oci-state-runc")'" >/dev/null
fi
if command -v crun >/dev/null; then
	hybrid hyperfine -N --warmup 3 --runs "$runs" --export-json "$json.crun.json" -n crun \
		"sh -c '$(lifecycle crun "$out/oci-state-crun")'" >/dev/null
else
	echo "(crun is not installed: skipped; apt-get install crun)"
fi

pjson=$out/oci-podman
rm -f "$pjson".*.json
if command -v podman >/dev/null; then
	image=localhost/vakt-oci-bench:latest
	tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
	pflags="--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
	hyperfine -N --warmup 1 --runs "$podman_runs" --export-json "$pjson.vakt.json" -n vakt \
		"podman --runtime $vakt run --rm $pflags $image /bin/true" >/dev/null
	hyperfine -N --warmup 1 --runs "$podman_runs" --export-json "$pjson.runc.json" -n runc \
		"podman --runtime $(command -v runc) run --rm $pflags $image /bin/true" >/dev/null
	if command -v crun >/dev/null; then
		hybrid hyperfine -N --warmup 1 --runs "$podman_runs" --export-json "$pjson.crun.json" -n crun \
			"podman --runtime $(command -v crun) run --rm $pflags $image /bin/true" >/dev/null
	fi
	podman rmi -f "$image" >/dev/null 2>&1 || true
else
	echo "(podman is not installed: the engine comparison is skipped)"
fi

/usr/bin/python3 - "$json" "$pjson" "$runs" "$podman_runs" <<'PY'
import json, os, statistics, sys
base, pbase, runs, pruns = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def med(path):
    if not os.path.exists(path):
        return None
    return statistics.median(json.load(open(path))["results"][0]["times"]) * 1000
for title, b, n in (("create + start + delete of /bin/true", base, runs), ("podman run --rm /bin/true", pbase, pruns)):
    m = {r: med(f"{b}.{r}.json") for r in ("vakt", "crun", "runc")}
    if m["vakt"] is None:
        continue
    print(f"{title}, median of {n} runs:")
    for r in ("vakt", "crun", "runc"):
        if m[r] is not None:
            ratio = f"  vakt/{r} {m['vakt'] / m[r]:.2f}x" if r != "vakt" else ""
            print(f"  {r:5s} {m[r]:8.2f} ms{ratio}")
    if m["crun"] is not None:
        print(f"  target vakt <= crun: {'met' if m['vakt'] <= m['crun'] else 'NOT met'}")
PY
