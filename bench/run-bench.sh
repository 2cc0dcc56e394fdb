#!/bin/sh
# vakt run: 50 starts of /bin/true in a busybox rootfs with full hardening, side by side with
#   - crun run and runc run, given an OCI config.json equivalent to vakt's defaults: user
#     namespace (root -> host 1000000000, 65536 IDs), mount/PID/IPC/UTS/network/cgroup
#     namespaces, read-only root, tmpfs /tmp and /run, minimal /dev, Docker's masked and
#     read-only paths, no capabilities, no_new_privs, Docker's default seccomp profile
#     (converted from /work/shared/data/seccomp/docker-default.json, or the SECCOMP file),
#     256 MB memory and 1024 pids limits. Target: vakt <= 0.5x crun's median.
#   - bwrap --unshare-all --ro-bind ROOTFS / --proc /proc --dev /dev: the minimal sandbox
#     (namespaces only: no seccomp, no cgroup limits). Target: vakt <= 1.5x bwrap's median.
#   - peak RSS of one start of each (/usr/bin/time -f %M).
# Before timing, each hardened peer runs `cat /proc/self/status` once and must show
# Seccomp 2, CapEff 0 and NoNewPrivs 1, or the script fails.
#
#   bench/run-bench.sh        (as root; RUNS=50 by default)
#
# Needs the release build (make bench builds it), hyperfine, busybox, crun, runc and bwrap
# (scripts/install-deps.sh installs them; a missing peer is skipped with a message).
#
# On hybrid cgroups (v1 controllers, /sys/fs/cgroup/unified a v2 hierarchy with no
# controllers, as on this host) crun refuses to start ("cgroups in hybrid mode not supported,
# drop all controllers from cgroupv2"), so crun is timed by a second hyperfine run inside
# `unshare -m --propagation private` with /sys/fs/cgroup/unified unmounted: crun then uses
# the v1 controllers, and no wrapper is charged to its starts.
# The OCI configs do not mount /sys/fs/cgroup (vakt does not either; a cgroup v1 mount is
# refused in a user namespace).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
vakt=${VAKT:-$root/build/release/vakt}
runs=${RUNS:-50}
seccomp=${SECCOMP:-/work/shared/data/seccomp/docker-default.json}
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "run-bench: run as root (crun, runc and the cgroup limits need it)"; exit 1; }
[ -x "$vakt" ] || { echo "build the release preset first (make bench)"; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (scripts/install-deps.sh installs it)"; exit 1; }
[ -f "$seccomp" ] || { echo "no Docker seccomp profile at $seccomp (set SECCOMP=FILE)"; exit 1; }

# The rootfs: static busybox, with true, sh and cat. Readable by everyone: in the user
# namespace root is an unprivileged host UID, and the root is read-only.
rootfs=$out/run-rootfs
bb=""
for b in /bin/busybox /usr/bin/busybox; do [ -x "$b" ] && { bb=$b; break; }; done
[ -n "$bb" ] || { echo "busybox is missing (apt-get install busybox-static)"; exit 1; }
rm -rf "$rootfs"
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp" "$rootfs/run" "$rootfs/etc"
cp "$bb" "$rootfs/bin/busybox"
for l in true sh cat; do ln -s busybox "$rootfs/bin/$l"; done
chmod -R a+rX "$rootfs"

peers=""
for p in crun runc bwrap; do
	if command -v "$p" >/dev/null 2>&1; then
		peers="$peers $p"
	else
		case $p in
		bwrap) pkg=bubblewrap ;;
		*) pkg=$p ;;
		esac
		echo "($p is not installed: that peer is skipped; apt-get install $pkg)"
	fi
done
has() { case " $peers " in *" $1 "*) return 0 ;; esac; return 1; }

# The OCI bundle: `runc spec`, then made equivalent to vakt's defaults.
bundle=$out/run-bundle
rm -rf "$bundle"
mkdir -p "$bundle"
if has runc; then
	runc spec -b "$bundle"
else
	echo '{}' >"$bundle/config.json"
fi
/usr/bin/python3 - "$bundle/config.json" "$rootfs" "$seccomp" "$(uname -r)" <<'PY'
import json, sys
path, rootfs, profile, release = sys.argv[1:5]
c = json.load(open(path))
c.setdefault("ociVersion", "1.0.2-dev")
c["root"] = {"path": rootfs, "readonly": True}
c["hostname"] = "vakt"
p = c.setdefault("process", {})
p["terminal"] = False
p["user"] = {"uid": 0, "gid": 0}
p["args"] = ["/bin/true"]
p["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
p["cwd"] = "/"
p["capabilities"] = {k: [] for k in ("bounding", "effective", "inheritable", "permitted", "ambient")}
p["noNewPrivileges"] = True
p.pop("rlimits", None)
c["mounts"] = [
    {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
    {"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]},
]
l = c.setdefault("linux", {})
l["namespaces"] = [{"type": t} for t in ("user", "mount", "pid", "ipc", "uts", "network", "cgroup")]
l["uidMappings"] = [{"containerID": 0, "hostID": 1000000000, "size": 65536}]
l["gidMappings"] = [{"containerID": 0, "hostID": 1000000000, "size": 65536}]
l["resources"] = {"devices": [{"allow": False, "access": "rwm"}],
                  "memory": {"limit": 256 << 20}, "pids": {"limit": 1024}}
# Docker's (moby's oci/defaults.go)
l["maskedPaths"] = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                    "/sys/firmware", "/sys/devices/virtual/powercap"]
l["readonlyPaths"] = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

# Docker's profile -> OCI seccomp, resolved as Docker does for amd64, this kernel and an
# empty capability set.
d = json.load(open(profile))
goarch = "amd64"
native = "SCMP_ARCH_X86_64"
arches = []
for m in d.get("archMap") or []:
    if m["architecture"] == native:
        arches = [native] + (m.get("subArchitectures") or [])
kernel = tuple(int(x) for x in release.split("-")[0].split(".")[:2])
def ver(s):
    return tuple(int(x) for x in s.split(".")[:2])
caps = set()
syscalls = []
for s in d["syscalls"]:
    inc, exc = s.get("includes") or {}, s.get("excludes") or {}
    if inc.get("arches") and goarch not in inc["arches"]:
        continue
    if exc.get("arches") and goarch in exc["arches"]:
        continue
    if inc.get("caps") and not set(inc["caps"]) <= caps:
        continue
    if exc.get("caps") and set(exc["caps"]) & caps:
        continue
    if inc.get("minKernel") and kernel < ver(inc["minKernel"]):
        continue
    names = s.get("names") or ([s["name"]] if s.get("name") else [])
    if not names:
        continue
    r = {"names": names, "action": s["action"]}
    if s.get("errnoRet") is not None:
        r["errnoRet"] = s["errnoRet"]
    if s.get("args"):
        r["args"] = [{k: a[k] for k in ("index", "value", "valueTwo", "op") if k in a and a[k] is not None}
                     for a in s["args"]]
    syscalls.append(r)
sec = {"defaultAction": d["defaultAction"], "architectures": arches, "syscalls": syscalls}
if d.get("defaultErrnoRet") is not None:
    sec["defaultErrnoRet"] = d["defaultErrnoRet"]
l["seccomp"] = sec
json.dump(c, open(path, "w"), indent=1)
PY

# crun and runc: a unique container ID per start ($$ of hyperfine's shell). runc deletes the
# container when it exits; so does crun run without --detach.
# hybrid: run "$@" where crun can apply cgroup v1 limits (see above)
hybrid() {
	if grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/self/mounts; then
		unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
	else
		"$@"
	fi
}
crun_cmd="crun run -b $bundle vb-crun-\$\$"
runc_cmd="runc run -b $bundle vb-runc-\$\$"
vakt_cmd="$vakt run --memory 256m --pids-limit 1024 $rootfs -- /bin/true"
bwrap_cmd="bwrap --unshare-all --ro-bind $rootfs / --proc /proc --dev /dev /bin/true"

# Each hardened peer, once, with `cat /proc/self/status`: seccomp filtering, no effective
# capabilities, no_new_privs.
cfg_status=$out/run-bundle-status
rm -rf "$cfg_status"
mkdir -p "$cfg_status"
/usr/bin/python3 - "$bundle/config.json" "$cfg_status/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/cat", "/proc/self/status", "/proc/self/uid_map"]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
check() {
	name=$1
	shift
	if ! "$@" >"$out/run-status.txt" 2>&1; then
		echo "run-bench: $name could not start the container:"
		cat "$out/run-status.txt"
		exit 1
	fi
	s=$(awk '$1 == "Seccomp:" {s = $2} $1 == "CapEff:" {c = $2} $1 == "NoNewPrivs:" {n = $2}
		END {print s, c, n}' "$out/run-status.txt")
	if [ "$s" != "2 0000000000000000 1" ]; then
		echo "run-bench: $name is not hardened (Seccomp, CapEff, NoNewPrivs: $s)"
		exit 1
	fi
	map=$(awk 'NF == 3 && $1 == 0 {print $2, $3}' "$out/run-status.txt")
	if [ "$map" != "1000000000 65536" ]; then
		echo "run-bench: $name: root is not mapped to 1000000000 (uid_map: $map)"
		exit 1
	fi
	echo "hardened: $name: Seccomp 2, CapEff 0, NoNewPrivs 1, root = host uid 1000000000 (65536 IDs)"
}
check vakt "$vakt" run --memory 256m --pids-limit 1024 "$rootfs" -- /bin/cat /proc/self/status /proc/self/uid_map
has crun && check crun hybrid crun run -b "$cfg_status" "vb-crun-check-$$"
has runc && check runc runc run -b "$cfg_status" "vb-runc-check-$$"

set -- -n "vakt run" "$vakt_cmd"
has runc && set -- "$@" -n "runc run" "$runc_cmd"
has bwrap && set -- "$@" -n "bwrap" "$bwrap_cmd"
hyperfine --warmup 3 --runs "$runs" --export-json "$out/run.json" --style basic "$@" \
	>"$out/run-hyperfine.txt" 2>&1 || { cat "$out/run-hyperfine.txt"; exit 1; }
rm -f "$out/run-crun.json"
if has crun; then
	hybrid hyperfine --warmup 3 --runs "$runs" --export-json "$out/run-crun.json" --style basic \
		-n "crun run" "$crun_cmd" >>"$out/run-hyperfine.txt" 2>&1 || { cat "$out/run-hyperfine.txt"; exit 1; }
fi

rss() { /usr/bin/time -f %M sh -c "$1" >/dev/null 2>"$out/rss.txt" || true; tail -1 "$out/rss.txt"; }
rss_vakt=$(rss "exec $vakt_cmd")
rss_crun=0 rss_runc=0 rss_bwrap=0
has crun && rss_crun=$(hybrid /usr/bin/time -f %M sh -c "exec $crun_cmd" 2>&1 >/dev/null | tail -1)
has runc && rss_runc=$(rss "exec $runc_cmd")
has bwrap && rss_bwrap=$(rss "exec $bwrap_cmd")

/usr/bin/python3 - "$out/run.json" "$out/run-crun.json" "$rss_vakt" "$rss_crun" "$rss_runc" "$rss_bwrap" <<'PY'
import json, os, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
if os.path.exists(sys.argv[2]):
    res.update({r["command"]: r for r in json.load(open(sys.argv[2]))["results"]})
rss = dict(zip(["vakt run", "crun run", "runc run", "bwrap"], (int(x) / 1024 for x in sys.argv[3:7])))
print(f"{'':16} {'median':>9} {'min':>9} {'peak RSS':>9}")
for name in sorted(res, key=["vakt run", "crun run", "runc run", "bwrap"].index):
    r = res[name]
    m = f"{rss[name]:6.1f} MB" if rss.get(name) else ""
    print(f"{name:16} {r['median'] * 1000:7.2f}ms {r['min'] * 1000:7.2f}ms {m:>9}")
v = res["vakt run"]["median"]
if "crun run" in res:
    r = v / res["crun run"]["median"]
    print(f"vakt/crun  {r:5.2f}x  (target <= 0.5x: {'OK' if r <= 0.5 else 'MISSED'})")
if "runc run" in res:
    print(f"vakt/runc  {v / res['runc run']['median']:5.2f}x  (no target)")
if "bwrap" in res:
    r = v / res["bwrap"]["median"]
    print(f"vakt/bwrap {r:5.2f}x  (target <= 1.5x: {'OK' if r <= 1.5 else 'MISSED'})")
PY
