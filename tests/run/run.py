#!/usr/bin/python3
"""vakt run, for real: containers started from a busybox rootfs, every default checked
from inside.

    run.py VAKT PROBE

PROBE is tests/run/probe.c built static (CMake does it). The rootfs is busybox-static
plus the probe, in a temporary directory. Needs root (CI runs as root) and user
namespaces; skips (77) with the reason otherwise.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import check  # noqa: E402


def main():
    vakt, probe = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    why = harness.skip_reason("vakt run's tests")
    if why:
        print(f"SKIP: {why}")
        return 77
    with tempfile.TemporaryDirectory(prefix="vakt-run-") as t:
        os.chmod(t, 0o755)  # the container's root is an unprivileged host UID: it must reach the rootfs
        root = os.path.join(t, "rootfs")
        harness.busybox_rootfs(root, ("sh", "cat", "ls", "touch", "id", "hostname", "echo", "grep", "mount", "kill",
                                      "sleep", "wc", "true", "readlink", "stat"))
        shutil.copy(probe, root + "/bin/probe")

        def run(*args, cmd, **kw):
            return subprocess.run([vakt, "run", *args, root, "--", *cmd], capture_output=True, text=True,
                                  timeout=60, **kw)

        p = run(cmd=["cat", "/proc/self/status"])
        st = dict(l.split(":", 1) for l in p.stdout.splitlines() if ":" in l)
        g = lambda k: st.get(k, "?").strip()
        check("started", p.returncode == 0, p.stderr)
        for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            check(f"{cap} is empty", g(cap) == "0000000000000000", g(cap))
        check("NoNewPrivs 1", g("NoNewPrivs") == "1", g("NoNewPrivs"))
        check("Seccomp 2 (filter)", g("Seccomp") == "2", g("Seccomp"))

        # every namespace is the container's own
        kinds = ["user", "mnt", "pid", "ipc", "uts", "net", "cgroup"]
        p = run(cmd=["sh", "-c", "for k in " + " ".join(kinds) + "; do readlink /proc/self/ns/$k; done"])
        inside = p.stdout.split()
        outside = [os.readlink(f"/proc/self/ns/{k}") for k in kinds]
        for k, a, b in zip(kinds, inside, outside):
            check(f"a {k} namespace of its own", a != b, f"{a} == {b}")
        check("all seven namespaces seen", len(inside) == 7, p.stdout + p.stderr)
        p = run(cmd=["sh", "-c", "hostname; cat /proc/self/cgroup; cat /proc/mounts"])
        lines = p.stdout.splitlines()
        check("the host name is the container's", lines[:1] == ["vakt"], p.stdout)
        cg = [l for l in lines if re.match(r"^\d+:", l)]
        check("the cgroup namespace's root is the container's cgroup", cg and all(l.endswith(":/") for l in cg), cg)
        mounts = {l.split()[1]: l.split() for l in lines if len(l.split()) >= 4 and l.split()[1].startswith("/")}
        for mp in ("/tmp", "/run"):
            m = mounts.get(mp, [])
            check(f"{mp} is a nosuid,nodev tmpfs", m[2:3] == ["tmpfs"] and "nosuid" in m[3] and "nodev" in m[3], m)
        check("/tmp has mode 1777", "mode=1777" in mounts.get("/tmp", ["", "", "", ""])[3]
              or run(cmd=["stat", "-c", "%a", "/tmp"]).stdout.strip() == "1777", mounts.get("/tmp"))
        check("/sys is read-only", "ro" in mounts.get("/sys", ["", "", "", ""])[3].split(","), mounts.get("/sys"))
        check("/ is read-only", "ro" in mounts.get("/", ["", "", "", ""])[3].split(","), mounts.get("/"))
        p = run("--ulimit", "nofile=256:512", cmd=["sh", "-c", "ulimit -n; ulimit -Hn"])
        check("--ulimit sets the limits", p.stdout.split() == ["256", "512"], p.stdout + p.stderr)

        p = run(cmd=["cat", "/proc/self/uid_map"])
        f = p.stdout.split()
        check("root inside maps to an unprivileged range outside", len(f) == 3 and f[0] == "0" and int(f[1]) >= 65536,
              p.stdout + p.stderr)

        p = run(cmd=["sh", "-c", "touch /x; echo rc=$?; touch /tmp/y && echo tmp-ok"])
        check("the root is read-only (EROFS)", "Read-only file system" in p.stderr and "rc=1" in p.stdout, p.stderr)
        check("/tmp is writable", "tmp-ok" in p.stdout, p.stdout + p.stderr)
        # an idmapped mount shows the rootfs's host-root files as the container root's own
        p = run(cmd=["ls", "-ln", "/bin/busybox"])
        f = p.stdout.split()
        check("the rootfs's files belong to root inside (idmapped mount)", len(f) > 3 and f[2] == "0" and f[3] == "0",
              p.stdout + p.stderr)
        p = run("--read-write", cmd=["sh", "-c", "touch /x && echo rw-ok"])
        check("--read-write leaves the root writable", "rw-ok" in p.stdout, p.stderr)
        check("what root writes inside is host root's on disk", os.path.exists(root + "/x")
              and os.stat(root + "/x").st_uid == 0)
        os.unlink(root + "/x") if os.path.exists(root + "/x") else None

        p = run(cmd=["ls", "/sys/class/net"])
        check("only lo", p.stdout.split() == ["lo"], p.stdout + p.stderr)
        p = run(cmd=["sh", "-c", "cat /proc/keys | wc -c; cat /proc/timer_list | wc -c; ls /proc/acpi 2>/dev/null | wc -l"])
        check("masked paths read empty", p.stdout.split() == ["0", "0", "0"], p.stdout + p.stderr)
        p = run(cmd=["sh", "-c", "echo 1 > /proc/sys/kernel/domainname; echo rc=$?"])
        check("/proc/sys is read-only", "rc=1" in p.stdout, p.stdout + p.stderr)
        p = run(cmd=["ls", "/dev"])
        check("a minimal /dev", set(p.stdout.split()) >= {"null", "zero", "full", "random", "urandom", "tty", "pts", "shm"}
              and "sda" not in p.stdout and "vda" not in p.stdout, p.stdout)

        p = run(cmd=["probe", "syscalls"])
        res = dict(l.split(" ", 1) for l in p.stdout.splitlines())
        # ptrace stays allowed, as in Docker's profile on kernels from 4.8 (its seccomp bypass fixed)
        for name in ("unshare_user", "keyctl", "add_key", "mount"):
            check(f"{name} is refused", res.get(name, "").startswith("errno"), p.stdout + p.stderr)
        check("a syscall newer than the filter gets ENOSYS", res.get("future") == "errno 38", res.get("future"))

        p = run(cmd=["ls", "/proc/self/fd"])
        check("no descriptor of vakt's reaches the container", set(p.stdout.split()) <= {"0", "1", "2", "3"},
              p.stdout + p.stderr)
        # the CVE-2019-5736 class: nothing of vakt is reachable from inside; PID 1 is the
        # command (or, with --init, a process that is not vakt's binary on disk), and no
        # process outside the container is visible
        p = run(cmd=["sh", "-c", "ls /proc | grep -E '^[0-9]+$' | wc -l; readlink /proc/1/exe"])
        out = p.stdout.split()
        check("only the container's processes are visible, PID 1 is the command",
              len(out) == 2 and int(out[0]) <= 5 and out[1].endswith("busybox"), p.stdout + p.stderr)
        p = run("--init", cmd=["sh", "-c", "readlink /proc/1/exe; cat /proc/1/exe > /dev/null && echo readable"])
        check("with --init, PID 1's binary (vakt's) is not readable from inside",
              "readable" not in p.stdout, p.stdout + p.stderr)
        p = subprocess.run([vakt, "run", "-t", root, "--", "sh", "-c",
                            "[ -t 0 ] && [ -t 1 ] && echo on-a-tty; read line; echo got-$line; exit 4"],
                           input="hello\n", capture_output=True, text=True, timeout=60)
        check("-t: stdio is a terminal, input and output are copied", "on-a-tty" in p.stdout
              and "got-hello" in p.stdout and p.returncode == 4, repr(p.stdout) + p.stderr)
        envf = os.path.join(t, "env")
        with open(envf, "w") as fh:
            fh.write("# a comment\nGREETING=hi there\n\nOTHER=2\n")
        p = run("--env-file", envf, "-e", "THIRD=3", cmd=["sh", "-c", "echo \"$GREETING/$OTHER/$THIRD\""])
        check("--env-file and --env", p.stdout.strip() == "hi there/2/3", p.stdout + p.stderr)
        if os.path.exists("/dev/fuse"):
            p = run("--device", "/dev/fuse", cmd=["sh", "-c", "[ -c /dev/fuse ] && echo dev-ok"])
            check("--device binds a host device", "dev-ok" in p.stdout, p.stdout + p.stderr)
            check("--device leaves nothing in the rootfs", not os.path.exists(root + "/dev/fuse"))
        p = run(cmd=["sh", "-c", "exit 7"])
        check("exit status propagates", p.returncode == 7, str(p.returncode))
        p = run(cmd=["sh", "-c", "sh -c 'kill -9 $$'; echo inner=$?"])
        check("a child's death by signal is seen inside", "inner=137" in p.stdout, p.stdout + p.stderr)
        # vakt forwards SIGTERM to the container's PID 1, whose handler decides
        proc = subprocess.Popen([vakt, "run", root, "--", "sh", "-c", "trap 'exit 42' TERM; echo up; sleep 30 & wait"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        up = proc.stdout.readline()
        proc.send_signal(15)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = None
        check("signals are forwarded to the container", up.strip() == "up" and rc == 42, f"{up!r} exit {rc}")

        p = run("--user", "1000", "--cap-add", "NET_BIND_SERVICE",
                cmd=["sh", "-c", "id -u; grep CapEff /proc/self/status; probe bind 80; probe chown /tmp"])
        check("--cap-add NET_BIND_SERVICE for a non-root user: that capability only",
              "1000" in p.stdout and "0000000000000400" in p.stdout and "bind ok" in p.stdout
              and "chown errno" in p.stdout, p.stdout + p.stderr)
        p = run("--user", "1000", cmd=["sh", "-c", "grep CapEff /proc/self/status; probe bind 80"])
        check("port 80 binds without a capability in the private network namespace",
              "0000000000000000" in p.stdout and "bind ok" in p.stdout, p.stdout + p.stderr)

        p = run("--memory", "32m", cmd=["probe", "alloc", "256"])
        check("the memory limit kills a process that exceeds it", p.returncode == 137, f"exit {p.returncode} "
              + p.stdout + p.stderr)
        p = run("--pids-limit", "16", cmd=["probe", "fork", "64"])
        started = int(p.stdout.split()[1]) if p.stdout.startswith("started") else -1
        check("the pids limit stops a fork bomb", 0 <= started < 16, p.stdout + p.stderr)

        # rootless: vakt run by an unprivileged user maps the container's root to that user
        # only; a default limit it cannot apply is a warning, an explicit one an error
        setpriv = shutil.which("setpriv")
        if setpriv:
            asuser = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", "env", "HOME=" + t]
            p = subprocess.run([*asuser, vakt, "run", root, "--", "sh", "-c",
                                "id -u; grep -E '^(CapEff|Seccomp):' /proc/self/status; cat /proc/self/uid_map"],
                               capture_output=True, text=True, timeout=60)
            out = p.stdout.split()
            check("rootless: root inside is the caller outside, still stripped",
                  p.returncode == 0 and out[:1] == ["0"] and "0000000000000000" in out and out[-3:] == ["0", "65534", "1"],
                  p.stdout + p.stderr)
            check("rootless: a default limit that cannot be applied is a warning", "not applied" in p.stderr, p.stderr)
            p = subprocess.run([*asuser, vakt, "run", "--memory", "64m", root, "--", "true"],
                               capture_output=True, text=True, timeout=60)
            check("rootless: an explicit limit that cannot be applied is an error", p.returncode == 125
                  and "memory" in p.stderr, p.stderr)
        else:
            print("skip: rootless checks need setpriv (util-linux)")

        # vakt oci run: a bundle's config.json, tightened by the default policy, run by the
        # same runtime; a config the policy refuses does not start
        import json
        bundle = os.path.join(t, "bundle")
        os.mkdir(bundle)
        p = subprocess.run([vakt, "oci", "spec", "--bundle", bundle], capture_output=True, text=True)
        os.symlink(root, os.path.join(bundle, "rootfs"))
        cfgp = os.path.join(bundle, "config.json")
        cfg = json.load(open(cfgp))
        cfg["process"]["args"] = ["sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; id -u; exit 5"]
        cfg["process"]["capabilities"]["bounding"] = ["CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"]
        cfg["process"]["noNewPrivileges"] = False
        cfg["process"]["user"] = {"uid": 1000, "gid": 1000}
        json.dump(cfg, open(cfgp, "w"))
        p = subprocess.run([vakt, "oci", "run", "--bundle", bundle, "c1"], capture_output=True, text=True, timeout=60)
        out = p.stdout.split()
        check("oci run: the policy drops the capabilities and forces no_new_privs; seccomp; the user; the exit status",
              p.returncode == 5 and "0000000000000000" in out and out[out.index("NoNewPrivs:") + 1] == "1"
              and "2" in out and "1000" in out, p.stdout + p.stderr)
        cfg["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                                   "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
        cfg["process"]["args"] = ["sh", "-c", "mkdir /tmp/d 2>/dev/null; echo rc=$?"]
        json.dump(cfg, open(cfgp, "w"))
        p = subprocess.run([vakt, "oci", "run", "--bundle", bundle, "c3"], capture_output=True, text=True, timeout=60)
        check("oci run: the config's own seccomp profile applies", "rc=1" in p.stdout, p.stdout + p.stderr)
        cfg["linux"]["namespaces"] = [n for n in cfg["linux"]["namespaces"] if n["type"] != "network"]
        json.dump(cfg, open(cfgp, "w"))
        p = subprocess.run([vakt, "oci", "run", "--bundle", bundle, "c2"], capture_output=True, text=True, timeout=60)
        check("oci run: a config sharing the host's network is refused", p.returncode == 4
              and "hostNamespaces" in p.stderr and "Seccomp" not in p.stdout, p.stdout + p.stderr)

        # bad input: a clear error, exit 125 or 2, nothing started
        p = run(cmd=["nosuchcommand"])
        check("a missing command is an error before start", p.returncode == 125 and "no executable" in p.stderr,
              p.stderr)
        p = subprocess.run([vakt, "run", "/etc/passwd", "--", "sh"], capture_output=True, text=True)
        check("a rootfs that is not a directory", p.returncode == 2 and "not a directory" in p.stderr, p.stderr)
        p = run("--cap-add", "NOT_A_CAP", cmd=["sh"])
        check("an unknown capability", p.returncode == 2 and "unknown capability" in p.stderr, p.stderr)
        os.symlink("/etc", root + "/hostetc")
        p = run("-v", f"{t}:/hostetc/vakt-escape", cmd=["true"])
        check("a mount destination symlinked to the host stays inside the rootfs",
              not os.path.exists("/etc/vakt-escape"), "created /etc/vakt-escape on the host")
        if os.path.exists("/etc/vakt-escape"):
            os.rmdir("/etc/vakt-escape")
    print(f"vakt run: {harness.failures} failures")
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
