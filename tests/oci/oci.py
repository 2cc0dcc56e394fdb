#!/usr/bin/python3
"""vakt oci, for real: runc's verbs on busybox bundles, every config.json field the
runtime honours checked from inside the container or on the host.

    oci.py VAKT

Needs root (CI runs as root), user namespaces and cgroups; skips (77) with the reason
otherwise. Each container's state lives under a temporary --root; the test checks that
nothing is left behind after errors (no state directory, no cgroup).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import check  # noqa: E402


class Env:
    def __init__(self, vakt, t):
        self.vakt, self.t = vakt, t
        self.root = os.path.join(t, "state")
        self.log = os.path.join(t, "oci.log")
        self.policy = os.path.join(t, "policy.yaml")
        self.rootfs = os.path.join(t, "rootfs")
        self.n = 0

    def oci(self, *args, policy=None, timeout=60, input=None, log_format="json"):
        env = dict(os.environ)
        env.pop("VAKT_POLICY", None)
        cmd = [self.vakt, "oci", "--root", self.root, "--log", self.log, "--log-format", log_format]
        if policy is not None:
            with open(self.policy, "w") as f:
                f.write(policy)
            cmd += ["--policy", self.policy]
        # files, not pipes: a created container keeps create's stdio (an engine's pipes)
        # open for as long as it runs, so a pipe would never reach end of file
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            p = subprocess.run(cmd + list(args), stdout=out, stderr=err, text=True, timeout=timeout, input=input,
                               env=env)
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(p.args, p.returncode, out.read(), err.read())

    def bundle(self, args, edit=None):
        """A bundle from `vakt oci spec` running args, edited by edit(cfg)."""
        self.n += 1
        b = os.path.join(self.t, f"b{self.n}")
        os.mkdir(b)
        subprocess.run([self.vakt, "oci", "spec", "--bundle", b], check=True)
        os.symlink(self.rootfs, os.path.join(b, "rootfs"))
        p = os.path.join(b, "config.json")
        cfg = json.load(open(p))
        cfg["process"]["args"] = args
        if edit:
            edit(cfg)
        json.dump(cfg, open(p, "w"))
        return b

    def run(self, args, edit=None, policy=None, cid=None):
        b = self.bundle(args, edit)
        return self.oci("run", "--bundle", b, cid or f"c{self.n}", policy=policy)

    def log_lines(self):
        try:
            return [json.loads(l) for l in open(self.log)]
        except FileNotFoundError:
            return []


def status(env, cid):
    p = env.oci("state", cid)
    return json.loads(p.stdout)["status"] if p.returncode == 0 else None


def cgroup_dirs(path):
    base = "/sys/fs/cgroup"
    if os.path.exists(base + "/cgroup.controllers"):
        return [base + path] if os.path.isdir(base + path) else []
    return [os.path.join(base, h) + path for h in os.listdir(base) if os.path.isdir(os.path.join(base, h) + path)]


def recv_console(sock_path, out):
    """The engine's side of --console-socket: accept, receive the pty master."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(sock_path)
    s.listen(1)
    s.settimeout(30)
    try:
        c, _ = s.accept()
        msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
        out["fds"] = fds
        out["name"] = msg
    except Exception as e:  # noqa: BLE001 - reported by the check
        out["error"] = str(e)


def main():
    vakt = os.path.abspath(sys.argv[1])
    why = harness.skip_reason("vakt oci's tests")
    if why:
        print(f"SKIP: {why}")
        return 77
    with tempfile.TemporaryDirectory(prefix="vakt-oci-") as t:
        os.chmod(t, 0o755)
        env = Env(vakt, t)
        harness.busybox_rootfs(env.rootfs, ("sh", "cat", "ls", "touch", "id", "hostname", "echo", "grep", "mount",
                                            "sleep", "stat", "readlink", "uname", "domainname", "mkdir", "true", "dd",
                                            "tty", "wc", "head", "stty", "cut"),
                               ("proc", "sys", "dev", "tmp", "etc", "data"))
        lifecycle(env)
        process_fields(env)
        linux_fields(env)
        hooks(env)
        terminal(env)
        policy_fields(env)
        bad_input(env)
        escapes(env)
        left = [d for d in os.listdir(env.root) if d != "seccomp~cache"] if os.path.isdir(env.root) else []
        check("nothing is left under --root", left == [], left)
    print(f"vakt oci: {harness.failures} failures")
    return 1 if harness.failures else 0


def lifecycle(env):
    b = env.bundle(["sh", "-c", "trap 'exit 9' TERM; echo started > /tmp/x; while true; do sleep 0.1; done"],
                   lambda c: c.update(annotations={"org.example.k": "v"}))
    pidfile = os.path.join(env.t, "pid")
    p = env.oci("create", "--bundle", b, "--pid-file", pidfile, "life")
    check("create", p.returncode == 0, p.stderr)
    st = json.loads(env.oci("state", "life").stdout or "{}")
    check("state after create: created, with the pid file's PID, bundle and annotations",
          st.get("status") == "created" and str(st.get("pid")) == open(pidfile).read()
          and st.get("bundle") == os.path.realpath(b) and st.get("annotations") == {"org.example.k": "v"}
          and st.get("ociVersion", "").startswith("1."), st)
    p = env.oci("create", "--bundle", b, "life")
    check("a second create of the same ID is refused", p.returncode == 1 and "already exists" in p.stderr, p.stderr)
    p = env.oci("exec", "life", "sh", "-c", "cat /proc/1/exe > /dev/null && echo opened; readlink /proc/1/exe")
    check("exec into a created container cannot open the init's /proc/1/exe (vakt's binary)",
          "opened" not in p.stdout and "vakt" not in p.stdout, p.stdout + p.stderr)
    p = env.oci("start", "life")
    check("start", p.returncode == 0, p.stderr)
    check("state after start: running", status(env, "life") == "running")
    p = env.oci("start", "life")
    check("start twice is an error", p.returncode == 1 and "not created" in p.stderr, p.stderr)
    p = env.oci("delete", "life")
    check("delete of a running container without --force is refused", p.returncode == 1
          and "not stopped" in p.stderr, p.stderr)
    p = env.oci("list", "--format", "json")
    ids = [c["id"] for c in json.loads(p.stdout or "[]")]
    check("list --format json", "life" in ids, p.stdout + p.stderr)
    p = env.oci("list", "-q")
    check("list -q", p.stdout.split() == ["life"], p.stdout)
    p = env.oci("ps", "--format", "json", "life")
    pids = json.loads(p.stdout or "[]")
    check("ps --format json: the init is among the container's PIDs", int(open(pidfile).read()) in pids, p.stdout)
    p = env.oci("ps", "life", "-eo", "pid,comm")
    lines = p.stdout.splitlines()
    check("ps with ps(1) options: the header and the container's processes only", lines[:1] == ["  PID COMMAND"]
          and any(l.split()[0] == open(pidfile).read() for l in lines[1:]) and len(lines) <= 1 + len(pids),
          p.stdout + p.stderr)
    p = env.oci("exec", "life", "cat", "/tmp/x")
    check("exec with a command: in the container's mount namespace", p.returncode == 0 and p.stdout == "started\n",
          p.stdout + p.stderr)
    proc = os.path.join(env.t, "process.json")
    json.dump({"args": ["sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; exit 4"], "cwd": "/tmp",
               "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0},
               "capabilities": {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"],
                                "permitted": ["CAP_SYS_ADMIN"]}}, open(proc, "w"))
    p = env.oci("exec", "--process", proc, "life")
    out = p.stdout.split()
    check("exec --process: the policy drops the capabilities and forces no_new_privs, the container's seccomp, "
          "the exit status", p.returncode == 4 and out[1:2] == ["0000000000000000"] and out[3:4] == ["1"]
          and out[5:6] == ["2"], p.stdout + p.stderr)
    p = env.oci("exec", "-t", "life", "sh", "-c", "tty; read x; echo got=$x; exit 2", input="typed\n")
    check("exec -t without --console-socket: vakt's own pty, the exit status", p.returncode == 2
          and "/dev/pts/" in p.stdout and "got=typed" in p.stdout, p.stdout + p.stderr)
    xpid = os.path.join(env.t, "xpid")
    p = env.oci("exec", "--detach", "--pid-file", xpid, "life", "sleep", "30")
    check("exec --detach --pid-file", p.returncode == 0 and os.path.exists(xpid), p.stderr)
    if os.path.exists(xpid):
        xp = int(open(xpid).read())
        check("the exec'd process is in the container's cgroup",
              xp in json.loads(env.oci("ps", "--format", "json", "life").stdout or "[]"))
    p = env.oci("pause", "life")
    check("pause", p.returncode == 0 and status(env, "life") == "paused", p.stderr)
    p = env.oci("resume", "life")
    check("resume", p.returncode == 0 and status(env, "life") == "running", p.stderr)
    p = env.oci("update", "--memory", "64m", "--pids-limit", "77", "--cpu-quota", "50000", "--cpu-period", "100000",
                "life")
    cg = json.load(open(os.path.join(env.root, "life", "state.json")))["cgroupsPath"]
    vals = {}
    for d in cgroup_dirs(cg):
        for f in ("memory.limit_in_bytes", "memory.max", "pids.max", "cpu.cfs_quota_us", "cpu.max"):
            if os.path.exists(os.path.join(d, f)):
                vals[f] = open(os.path.join(d, f)).read().strip()
    check("update writes the cgroup limits", p.returncode == 0 and vals.get("pids.max") == "77"
          and (vals.get("memory.limit_in_bytes") == str(64 << 20) or vals.get("memory.max") == str(64 << 20))
          and (vals.get("cpu.cfs_quota_us") == "50000" or vals.get("cpu.max", "").startswith("50000")),
          (p.stderr, vals))
    p = env.oci("events", "--stats", "life")
    ev = json.loads(p.stdout or "{}")
    check("events --stats", ev.get("type") == "stats" and ev.get("data", {}).get("pids", {}).get("current", 0) >= 1
          and ev["data"]["memory"]["usage"]["usage"] > 0, p.stdout + p.stderr)
    p = env.oci("kill", "life", "TERM")
    deadline = time.time() + 10
    while status(env, "life") != "stopped" and time.time() < deadline:
        time.sleep(0.05)
    check("kill TERM: the container stops", p.returncode == 0 and status(env, "life") == "stopped", p.stderr)
    p = env.oci("kill", "life", "KILL")
    check("kill of a stopped container is an error", p.returncode == 1 and "not running" in p.stderr, p.stderr)
    p = env.oci("delete", "life")
    check("delete of a stopped container", p.returncode == 0 and not os.path.exists(os.path.join(env.root, "life")),
          p.stderr)
    check("delete removes the cgroup", cgroup_dirs(cg) == [], cgroup_dirs(cg))
    p = env.oci("start", "nosuch")
    check("start before create", p.returncode == 1 and "does not exist" in p.stderr, p.stderr)
    # a created container deleted with --force never runs
    b = env.bundle(["sh", "-c", "touch /tmp/ran"])
    env.oci("create", "--bundle", b, "never")
    p = env.oci("delete", "--force", "never")
    check("delete --force of a created container", p.returncode == 0 and status(env, "never") is None, p.stderr)
    p = env.oci("run", "--detach", "--bundle", b, "det")
    check("run --detach returns at once", p.returncode == 0, p.stderr)
    env.oci("delete", "--force", "det")
    # kill --all reaches every process of the container, not only the init
    b = env.bundle(["sh", "-c", "trap '' TERM; sleep 30 & sleep 30; wait"])
    env.oci("run", "--detach", "--bundle", b, "many")
    time.sleep(0.3)
    n_before = len(json.loads(env.oci("ps", "--format", "json", "many").stdout or "[]"))
    p = env.oci("kill", "--all", "many", "KILL")
    deadline = time.time() + 10
    while status(env, "many") != "stopped" and time.time() < deadline:
        time.sleep(0.05)
    check("kill --all KILL: every process of the container", p.returncode == 0 and n_before >= 3
          and status(env, "many") == "stopped", (n_before, p.stderr))
    env.oci("delete", "many")
    p = env.oci("features")
    f = json.loads(p.stdout or "{}")
    check("features", f.get("ociVersionMax", "").startswith("1.") and "pid" in f["linux"]["namespaces"]
          and "createRuntime" in f["hooks"], p.stdout)
    # the binary answers to the verbs under another name, as engines call it
    link = os.path.join(env.t, "vakt-runc")
    os.symlink(env.vakt, link)
    p = subprocess.run([link, "--root", env.root, "list", "--format", "json"], capture_output=True, text=True)
    check("invoked as vakt-runc", p.returncode == 0 and p.stdout.strip() == "[]", p.stdout + p.stderr)
    p = subprocess.run([env.vakt, "--root", env.root, "state", "nosuch"], capture_output=True, text=True)
    check("invoked as `vakt --root X state`", p.returncode == 1 and "does not exist" in p.stderr, p.stderr)
    p = env.oci("--systemd-cgroup", "create", "--bundle", b, "sd") if not os.path.exists("/run/systemd/system") else None
    if p is not None:
        check("--systemd-cgroup without systemd: a clear error", p.returncode == 1 and "systemd is not running" in p.stderr,
              p.stderr)


def process_fields(env):
    def ed(c):
        c["process"]["env"] = ["PATH=/bin", "FOO=bar baz"]
        c["process"]["cwd"] = "/tmp"
        c["process"]["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [1002, 1003], "umask": 0o077}
        c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]
        c["process"]["oomScoreAdj"] = 321
        c["process"]["apparmorProfile"] = "vakt-test"
        c["process"]["noNewPrivileges"] = True
        c["hostname"] = "oci-host"
        c["domainname"] = "oci-domain"
    p = env.run(["sh", "-c", "echo $FOO; pwd; id -u; id -g; id -G; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj; "
                 "hostname; cat /proc/sys/kernel/domainname; touch /tmp/f; stat -c %a /tmp/f"], ed)
    out = p.stdout.splitlines()
    check("process.env, cwd, user (uid, gid, additionalGids, umask), rlimits, oomScoreAdj, hostname, domainname",
          p.returncode == 0 and out == ["bar baz", "/tmp", "1000", "1001", "1001 1002 1003", "123", "456", "321",
                                        "oci-host", "oci-domain", "600"], p.stdout + p.stderr)
    # capabilities as given, with the policy's capability rule off
    def caps(c):
        c["process"]["capabilities"] = {"bounding": ["CAP_NET_RAW", "CAP_CHOWN"], "effective": ["CAP_CHOWN"],
                                        "permitted": ["CAP_NET_RAW", "CAP_CHOWN"], "inheritable": ["CAP_CHOWN"],
                                        "ambient": ["CAP_CHOWN"]}
        c["process"]["noNewPrivileges"] = False
        c["process"]["user"] = {"uid": 1000, "gid": 1000}  # root would get its bounding set back on exec
    p = env.run(["sh", "-c", "grep -E '^(Cap...|NoNewPrivs):' /proc/self/status"], caps,
                policy="capabilities: off\nnoNewPrivileges: off\n")
    st = dict(l.split(":\t") for l in p.stdout.splitlines() if ":\t" in l)
    # after exec, ambient CHOWN joins permitted and effective; NET_RAW stays only bounding
    check("process.capabilities: bounding, effective, permitted, inheritable and ambient; noNewPrivileges false",
          st.get("CapBnd") == "0000000000002001" and st.get("CapPrm") == "0000000000000001" and st.get("CapAmb") == "0000000000000001"
          and st.get("CapInh") == "0000000000000001" and st.get("CapEff") == "0000000000000001"
          and st.get("NoNewPrivs") == "0", p.stdout + p.stderr)
    p = env.run(["nosuchcommand"])
    check("a missing executable fails create, runc's words", p.returncode == 1
          and "executable file not found in $PATH" in p.stderr, p.stderr)


def linux_fields(env):
    data = os.path.join(env.t, "hostdata")
    os.mkdir(data)
    blkdev = None  # a real block device, for blockIO throttling
    for line in open("/proc/partitions").read().splitlines()[2:]:
        f = line.split()
        if len(f) == 4 and not f[3].startswith(("loop", "ram", "zram")):
            blkdev = (int(f[0]), int(f[1]))
            break
    open(os.path.join(data, "file"), "w").write("from the host\n")
    open(os.path.join(data, "secret"), "w").write("masked\n")

    def ed(c):
        c["mounts"] += [
            {"destination": "/data", "type": "bind", "source": data, "options": ["rbind", "ro", "rprivate"]},
            {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro", "nosuid"]},
        ]
        c["linux"]["devices"] = [{"path": "/dev/vaktnull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666,
                                  "uid": 5, "gid": 6}]
        c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}
        c["linux"]["maskedPaths"] = ["/proc/kcore", "/data/secret"]
        c["linux"]["readonlyPaths"] = ["/proc/sys"]
        c["linux"]["rootfsPropagation"] = "rshared"
        c["linux"]["mountLabel"] = ""
        c["linux"]["personality"] = {"domain": "LINUX32"}
        c["linux"]["cgroupsPath"] = "/vakt-test/fields"
        c["linux"]["resources"] = {"memory": {"limit": 33554432}, "pids": {"limit": 99},
                                   "cpu": {"quota": 20000, "period": 100000, "shares": 512}}
        if blkdev:
            c["linux"]["resources"]["blockIO"] = {
                "weight": 500, "throttleReadBpsDevice": [{"major": blkdev[0], "minor": blkdev[1], "rate": 1048576}]}
    script = ("cat /proc/self/mountinfo; echo weight=$(cat /sys/fs/cgroup/blkio/blkio.weight "
              "/sys/fs/cgroup/blkio/blkio.bfq.weight /sys/fs/cgroup/io.weight 2>/dev/null | head -1); cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device "
              "/sys/fs/cgroup/io.max 2>/dev/null; cat /data/file; touch /data/f 2>/dev/null || echo data-ro; grep ' /scratch ' /proc/mounts; "
              "stat -c '%F %a %u %g %t %T' /dev/vaktnull; echo x > /dev/vaktnull && echo devnull-ok; "
              "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced; "
              "echo masked=$(cat /data/secret | wc -c); echo 1 > /proc/sys/kernel/shm_rmid_forced 2>/dev/null || echo sys-ro; "
              "uname -m; cat /proc/self/uid_map /proc/self/gid_map; ls /sys/fs/cgroup | head -1; "
              "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; "
              "echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null); "
              "echo quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max); "
              "touch /x 2>/dev/null || echo root-ro")
    p = env.run(["sh", "-c", script], ed)
    out = p.stdout
    check("mounts: a read-only rbind", "from the host" in out and "data-ro" in out, out + p.stderr)
    check("mounts: a tmpfs with its options", "tmpfs" in out and "size=1024k" in out and "nosuid" in out, out)
    check("linux.devices: a character device with its mode and owner (made by the parent in a user namespace)",
          "character special file" in out and "devnull-ok" in out, out)
    check("linux.sysctl", "\n1\n1\n" in out, out)
    check("linux.maskedPaths", "masked=0\n" in out, out)
    check("linux.readonlyPaths", "sys-ro" in out, out)
    check("linux.personality LINUX32", "i686" in out or "armv" in out, out)
    check("linux.uidMappings and gidMappings", " ".join(out.split()).count("0 1000000000 65536") == 2, out)
    check("linux.resources: memory limit and CPU quota", "mem=33554432" in out and "quota=20000" in out, out)
    check("mounts: cgroup shows the container's own group, read-only", "99" in out.split(), out)
    check("root.readonly", "root-ro" in out, out)
    rootline = [l for l in out.splitlines() if len(l.split()) > 6 and l.split()[0].isdigit() and l.split()[4] == "/"]
    check("linux.rootfsPropagation rshared: the root is a shared mount", rootline and "shared:" in rootline[0], rootline)
    if blkdev:
        check("linux.resources.blockIO: a read throttle", f"{blkdev[0]}:{blkdev[1]} 1048576" in out
              or f"{blkdev[0]}:{blkdev[1]} rbps=1048576" in out, out)
        wline = [l for l in out.splitlines() if l.startswith("weight=")]
        warned = any("blockIO.weight" in l.get("msg", "") for l in env.log_lines())
        check("linux.resources.blockIO.weight: applied, or a warning where the scheduler has none",
              (wline and wline[0].split()[-1].endswith("500")) or (wline == ["weight="] and warned), (wline, warned))
    else:
        print("skip: blockIO throttling: no block device in /proc/partitions")
    check("the run succeeded", p.returncode == 0, p.stderr)
    check("linux.cgroupsPath is removed after run", cgroup_dirs("/vakt-test/fields") == [])

    # an idmapped bind: the host's root-owned file is the container root's own inside
    p = env.run(["stat", "-c", "%u", "/idm/file"],
                lambda c: c["mounts"].append({"destination": "/idm", "type": "bind", "source": data,
                                              "options": ["rbind", "idmap"]}))
    if p.returncode == 1 and "idmapping" in p.stderr:
        print(f"skip: idmapped mounts: the kernel or filesystem here refuses them: {p.stderr.strip()}")
    else:
        check("mounts: idmap shows host root's file as the container root's", p.returncode == 0
              and p.stdout.strip() == "0", p.stdout + p.stderr)
    p = env.run(["stat", "-c", "%u", "/data/file"],
                lambda c: c["mounts"].append({"destination": "/data", "type": "bind", "source": data,
                                              "options": ["rbind"]}))
    check("mounts: without idmap the same file is nobody's inside", p.stdout.strip() == "65534", p.stdout + p.stderr)

    # the same with --root on a nodev filesystem (as /run is on systemd hosts): the node
    # must still be usable
    nd = os.path.join(env.t, "nodev-root")
    os.mkdir(nd)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "nodev", "tmpfs", nd]).returncode == 0:
        saved, env.root = env.root, os.path.join(nd, "state")
        try:
            p = env.run(["sh", "-c", "echo x > /dev/vn && echo dev-ok"], lambda c: c["linux"].update(
                devices=[{"path": "/dev/vn", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666}]))
        finally:
            env.root = saved
            subprocess.run(["umount", "-l", nd])
        check("linux.devices in a user namespace with --root on a nodev filesystem", p.returncode == 0
              and "dev-ok" in p.stdout, p.stdout + p.stderr)
    else:
        print("skip: a nodev tmpfs for --root could not be mounted here")

    # a namespace path to join: the second container shares the first one's network (both
    # without a user namespace: a network namespace belongs to the user namespace it was
    # made in, and only that one's root may join it)
    nouser = lambda c: (c["linux"].update(namespaces=[n for n in c["linux"]["namespaces"] if n["type"] != "user"]),
                        c["linux"].pop("uidMappings"), c["linux"].pop("gidMappings"))
    a = env.bundle(["sh", "-c", "sleep 30"], nouser)
    env.oci("run", "--detach", "--bundle", a, "netowner")
    pid = json.loads(env.oci("state", "netowner").stdout or "{}").get("pid", 0)

    def join(c):
        nouser(c)
        for n in c["linux"]["namespaces"]:
            if n["type"] == "network":
                n["path"] = f"/proc/{pid}/ns/net"
    p = env.run(["readlink", "/proc/self/ns/net"], join)
    own = subprocess.run(["readlink", f"/proc/{pid}/ns/net"], capture_output=True, text=True).stdout
    check("linux.namespaces path: joins another container's network namespace", p.returncode == 0
          and p.stdout == own and own, (p.stdout, own, p.stderr))

    def notns(c):
        for n in c["linux"]["namespaces"]:
            if n["type"] == "ipc":
                n["path"] = "/etc/passwd"
    p = env.run(["true"], notns)
    check("a namespace path to a file that is not a namespace is refused", p.returncode == 1
          and "not a ipc namespace" in p.stderr, p.stderr)
    env.oci("delete", "--force", "netowner")

    # seccomp: argument conditions, errnoRet, defaultErrnoRet, architectures, flags
    def sc(c):
        c["linux"]["seccomp"] = {
            "defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 38,
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"], "listenerPath": "",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                         {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
                          "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}
    p = env.run(["sh", "-c", "mkdir /tmp/d 2>&1; uname -m"], sc)
    check("linux.seccomp: errnoRet on mkdir", "Permission denied" in p.stdout, p.stdout + p.stderr)
    check("linux.seccomp: an argument condition leaves other calls alone", p.returncode == 0 and "x86_64" in p.stdout
          or "aarch64" in p.stdout, p.stdout + p.stderr)

    cache = os.path.join(env.root, "seccomp~cache")
    entries = os.listdir(cache) if os.path.isdir(cache) else []
    check("the compiled profile is cached (root's, 0700)", len(entries) >= 1
          and (os.stat(cache).st_mode & 0o777) == 0o700, entries)
    p = env.run(["sh", "-c", "mkdir /tmp/d 2>&1; uname -m"], sc)
    check("linux.seccomp from the cache: the same filter", "Permission denied" in p.stdout
          and ("x86_64" in p.stdout or "aarch64" in p.stdout), p.stdout + p.stderr)
    for e in entries:  # a damaged entry is not trusted: compiled again
        open(os.path.join(cache, e), "wb").write(b"\x00" * 5)
    p = env.run(["sh", "-c", "mkdir /tmp/d 2>&1"], sc)
    check("a damaged cache entry is ignored", "Permission denied" in p.stdout, p.stdout + p.stderr)

def hooks(env):
    out = os.path.join(env.t, "hooks")
    os.mkdir(out)
    os.chmod(out, 0o777)  # createContainer runs as the container's root, an unprivileged host UID
    hook = os.path.join(env.t, "hook.sh")
    open(hook, "w").write(f"#!/bin/sh\ncat > {out}/$1.json\n")
    os.chmod(hook, 0o755)
    kinds = ["prestart", "createRuntime", "createContainer", "poststart", "poststop"]

    def ed(c):
        c["hooks"] = {k: [{"path": hook, "args": ["hook.sh", k], "timeout": 10}] for k in kinds}
        # startContainer runs inside the container: its path is the container's
        c["hooks"]["startContainer"] = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /tmp/started.json; "
                                                                     "echo hook-ran > /tmp/startc"]}]
    p = env.run(["sh", "-c", "cat /tmp/startc"], ed, cid="hooked")
    got = {}
    for k in kinds:
        try:
            got[k] = json.load(open(f"{out}/{k}.json"))
        except (OSError, ValueError):
            got[k] = None
    check("hooks: every kind ran, with the state on stdin", all(got[k] and got[k]["id"] == "hooked" for k in kinds),
          got)
    check("hooks: statuses creating, creating, creating, running, stopped",
          [got[k] and got[k]["status"] for k in kinds] == ["creating", "creating", "creating", "running", "stopped"],
          [got[k] and got[k].get("status") for k in kinds])
    check("hooks: startContainer ran in the container before the process", p.stdout == "hook-ran\n",
          p.stdout + p.stderr)
    bad = os.path.join(env.t, "fail.sh")
    open(bad, "w").write("#!/bin/sh\nexit 3\n")
    os.chmod(bad, 0o755)
    p = env.run(["true"], lambda c: c.update(hooks={"createRuntime": [{"path": bad}]}), cid="badhook")
    check("a failing createRuntime hook fails create, nothing left", p.returncode == 1 and "exit status 3" in p.stderr
          and not os.path.exists(os.path.join(env.root, "badhook")), p.stderr)
    slow = os.path.join(env.t, "slow.sh")
    open(slow, "w").write("#!/bin/sh\nsleep 30\n")
    os.chmod(slow, 0o755)
    t0 = time.time()
    p = env.run(["true"], lambda c: c.update(hooks={"prestart": [{"path": slow, "timeout": 1}]}))
    check("a hook's timeout", p.returncode == 1 and "timed out" in p.stderr and time.time() - t0 < 15, p.stderr)


def terminal(env):
    b = env.bundle(["sh", "-c", "tty; test -t 0 && echo is-a-tty; stty size; exit 6"],
                   lambda c: c["process"].update(terminal=True, consoleSize={"height": 30, "width": 100}))
    sock = os.path.join(env.t, "console.sock")
    got = {}
    th = threading.Thread(target=recv_console, args=(sock, got))
    th.start()
    time.sleep(0.2)
    p = env.oci("create", "--bundle", b, "--console-socket", sock, "tty1")
    th.join()
    fds = got.get("fds", [])
    check("process.terminal: the pty master arrives on --console-socket", p.returncode == 0 and len(fds) == 1,
          (p.stderr, got))
    if fds:
        env.oci("start", "tty1")
        data = b""
        deadline = time.time() + 10
        while time.time() < deadline and b"30 100" not in data:
            try:
                chunk = os.read(fds[0], 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        check("process.terminal: the process's stdio is the pty", b"/dev/pts/0" in data and b"is-a-tty" in data, data)
        check("process.consoleSize", b"30 100" in data, data)
        os.close(fds[0])
    env.oci("delete", "--force", "tty1")
    # run in the foreground without --console-socket: vakt holds the pty and copies
    b2 = env.bundle(["sh", "-c", "tty; read x; echo got=$x; exit 3"], lambda c: c["process"].update(terminal=True))
    p = env.oci("run", "--bundle", b2, "tty3", input="hello\n")
    check("run with process.terminal and no --console-socket: vakt's own pty, stdin and stdout copied",
          p.returncode == 3 and "/dev/pts/0" in p.stdout and "got=hello" in p.stdout, p.stdout + p.stderr)
    p = env.oci("create", "--bundle", b, "tty2")
    check("process.terminal without --console-socket is an error", p.returncode == 1 and "console-socket" in p.stderr,
          p.stderr)


def policy_fields(env):
    # the default policy: Podman's style of config, tightened and logged
    def loose(c):
        c["process"]["capabilities"]["bounding"] = ["CAP_SYS_ADMIN", "CAP_NET_RAW"]
        c["process"]["noNewPrivileges"] = False
        c["root"]["readonly"] = False
        c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/tmp"]
        c["linux"]["resources"] = {}
    open(env.log, "w").close()
    p = env.run(["sh", "-c", "grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status; touch /x 2>/dev/null || echo ro; "
                 "grep -E ' /(tmp|var/tmp|run) ' /proc/mounts | wc -l"], loose, cid="tight")
    out = p.stdout.split()
    check("default policy: capabilities dropped, no_new_privs, read-only root, tmpfs on /tmp /var/tmp /run",
          out[:5] == ["CapBnd:", "0000000000000000", "NoNewPrivs:", "1", "ro"] and out[5:] == ["3"],
          p.stdout + p.stderr)
    msgs = [l["msg"] for l in env.log_lines() if l.get("level") == "info"]
    check("every change is logged to --log in JSON", any("dropped CAP_SYS_ADMIN" in m for m in msgs)
          and any("noNewPrivileges" in m for m in msgs) and any("readonlyRootfs" in m for m in msgs)
          and any("pidsLimit" in m for m in msgs), msgs)
    open(env.log, "w").close()
    env.run(["true"], loose, cid="tight2", policy=None) if False else None
    p = env.oci("run", "--bundle", env.bundle(["true"], loose), "textlog", log_format="text")
    lines = open(env.log).read().splitlines()
    check("--log-format text", p.returncode == 0 and lines and all(l.startswith("time=\"") and " level=" in l
                                                                   for l in lines), lines[:3])
    # deny mode: refused, exit 4, the reasons named, logged as errors, nothing left
    open(env.log, "w").close()
    p = env.run(["true"], loose, policy="mode: deny\n", cid="denied")
    errs = [l["msg"] for l in env.log_lines() if l.get("level") == "error"]
    check("mode: deny refuses with exit 4 naming rule and field", p.returncode == 4 and "capabilities" in p.stderr
          and "process.capabilities.bounding" in p.stderr and "noNewPrivileges" in p.stderr, p.stderr)
    check("refusals are logged as errors", any("denied: capabilities" in m for m in errs), errs)
    check("a refused container leaves nothing", not os.path.exists(os.path.join(env.root, "denied")))
    # an allowed capability is kept; the rest dropped
    p = env.run(["sh", "-c", "grep CapBnd /proc/self/status"],
                lambda c: c["process"]["capabilities"].update(bounding=["CAP_NET_RAW", "CAP_SYS_ADMIN"]),
                policy="capabilities:\n  allow: [NET_RAW]\n")
    check("capabilities allow: kept where present", "0000000000002000" in p.stdout, p.stdout + p.stderr)
    # host namespaces and host sockets are refused in both modes
    p = env.run(["true"], lambda c: c["linux"].update(namespaces=[n for n in c["linux"]["namespaces"]
                                                                   if n["type"] != "pid"]))
    check("sharing the host's PID namespace is refused", p.returncode == 4 and "hostNamespaces" in p.stderr, p.stderr)
    if os.path.exists("/run/podman") or True:
        p = env.run(["true"], lambda c: c["mounts"].append({"destination": "/sock", "type": "bind",
                                                            "source": "/var/run/docker.sock", "options": ["bind"]}))
        check("binding the Docker socket is refused", p.returncode == 4 and "mounts" in p.stderr, p.stderr)
    # update cannot lift the policy's pids limit to unlimited
    b = env.bundle(["sleep", "30"])
    env.oci("run", "--detach", "--bundle", b, "upd")
    p = env.oci("update", "--pids-limit", "-1", "upd")
    cg = json.load(open(os.path.join(env.root, "upd", "state.json")))["cgroupsPath"]
    pm = [open(os.path.join(d, "pids.max")).read().strip() for d in cgroup_dirs(cg)
          if os.path.exists(os.path.join(d, "pids.max"))]
    check("update --pids-limit -1 keeps the policy's limit", p.returncode == 0 and pm == ["1024"], (p.stderr, pm))
    env.oci("delete", "--force", "upd")


def bad_input(env):
    def fails(name, edit=None, raw=None, want="", code=1):
        b = env.bundle(["true"], edit)
        if raw is not None:
            open(os.path.join(b, "config.json"), "w").write(raw)
        open(env.log, "w").close()
        p = env.oci("create", "--bundle", b, "bad")
        errs = [l["msg"] for l in env.log_lines() if l.get("level") == "error"]
        ok = p.returncode == code and want in p.stderr and any(want in m for m in errs)
        check(f"bad input: {name}", ok and not os.path.exists(os.path.join(env.root, "bad"))
              and cgroup_dirs("/vakt/bad") == [], (p.returncode, p.stderr, errs))
        env.oci("delete", "--force", "bad")

    fails("not JSON", raw="{\"ociVersion\": ", want="config.json:1:")
    fails("process.args of the wrong type", lambda c: c["process"].update(args="sh"), want="process.args: must be an array")
    fails("a mount destination that is relative", lambda c: c["mounts"].append({"destination": "rel", "type": "tmpfs"}),
          want="must be an absolute path")
    fails("a huge array", lambda c: c["process"].update(env=["A=B"] * 5000), want="more than 4096 entries")
    fails("an unknown namespace type", lambda c: c["linux"]["namespaces"].append({"type": "nosuch"}),
          want="unknown namespace type")
    fails("an invalid seccomp profile", lambda c: c["linux"].update(seccomp={"defaultAction": "SCMP_ACT_NOPE"}),
          want="linux.seccomp")
    fails("rlimits of the wrong type", lambda c: c["process"].update(rlimits=[{"type": "RLIMIT_NOPE", "soft": 1,
                                                                               "hard": 1}]),
          want="unknown type")
    # mount destinations that try to leave the rootfs land inside it
    esc = os.path.join(env.t, "escape-target")
    os.mkdir(esc)
    os.symlink(esc, os.path.join(env.rootfs, "link-out"))

    p = env.run(["true"], lambda c: c["mounts"].append({"destination": "/link-out/x", "type": "tmpfs",
                                                         "source": "tmpfs"}), cid="bad")
    check("a mount destination through a symlink out of the rootfs: refused, nothing made outside",
          p.returncode == 1 and "/link-out/x" in p.stderr and os.listdir(esc) == []
          and not os.path.exists(os.path.join(env.root, "bad")), (p.stderr, os.listdir(esc)))
    p = env.run(["sh", "-c", "grep -c ' /escape-dots ' /proc/mounts"],
                lambda c: c["mounts"].append({"destination": "/../../../../escape-dots", "type": "tmpfs",
                                              "source": "tmpfs"}))
    check("a mount destination with .. stays inside the rootfs", p.returncode == 0 and p.stdout.strip() == "1"
          and not os.path.exists(os.path.join(env.t, "escape-dots")), (p.stdout, p.stderr))
    os.unlink(os.path.join(env.rootfs, "link-out"))
    for d in ("link-out", "escape-dots"):
        p = os.path.join(env.rootfs, d)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)


def escapes(env):
    """Configs that would reach the host if the runtime trusted them: each is refused,
    and nothing is left behind."""
    def refused(name, edit, want, code=(1, 4), policy=None):
        p = env.run(["true"], edit, policy=policy, cid="esc")
        check(f"refused: {name}", p.returncode in code and want in p.stderr
              and not os.path.exists(os.path.join(env.root, "esc")), (p.returncode, p.stderr))
        env.oci("delete", "--force", "esc")

    refused("a sysctl of the host's (kernel.core_pattern)",
            lambda c: c["linux"].update(sysctl={"kernel.core_pattern": "|/tmp/x"}), "not isolated")
    refused("a sysctl key with a slash", lambda c: c["linux"].update(sysctl={"net/ipv4/ip_forward": "1"}),
            "must be a sysctl name")
    refused("a bind source through /dev/fd/.. (the host's root)",
            lambda c: c["mounts"].append({"destination": "/h", "type": "bind", "source": "/dev/fd/../root",
                                          "options": ["rbind"]}), "mounts", code=(4,))
    refused("a devtmpfs mount (every host device)",
            lambda c: c["mounts"].append({"destination": "/hostdev", "type": "devtmpfs", "source": "devtmpfs"}),
            "devtmpfs", code=(4,))
    refused("root.path /", lambda c: c["root"].update(path="/"), "root.path", code=(4,))
    refused("a relative root.path climbing to /", lambda c: c["root"].update(path="../../../../../../.."),
            "root.path", code=(4,))
    refused("linux.resources.unified cgroup.procs",
            lambda c: c["linux"].update(resources={"unified": {"cgroup.procs": "1"}}), "not a resource limit")
    refused("cgroupsPath at the hierarchy's root", lambda c: c["linux"].update(cgroupsPath="/"), "below the root")
    refused("cgroupsPath naming the caller's own group", lambda c: c["linux"].update(cgroupsPath="./x/."),
            "without '.'")
    # a group that already has processes is not joined (nor killed at delete)
    base = "/sys/fs/cgroup" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "/sys/fs/cgroup/pids"
    busy = os.path.join(base, "vakt-test-busy")
    os.makedirs(busy, exist_ok=True)
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        open(os.path.join(busy, "cgroup.procs"), "w").write(str(sleeper.pid))
        refused("cgroupsPath naming a group in use", lambda c: c["linux"].update(cgroupsPath="/vakt-test-busy"),
                "in use by other processes")
        check("the busy group's process is untouched", sleeper.poll() is None)
    finally:
        sleeper.kill()
        sleeper.wait()
        for _ in range(50):
            try:
                os.rmdir(busy)
                break
            except OSError:
                time.sleep(0.05)
    refused("no mount namespace (with hostNamespaces allowed)",
            lambda c: c["linux"].update(namespaces=[n for n in c["linux"]["namespaces"] if n["type"] != "mount"]),
            "a mount namespace is required", policy="hostNamespaces: allow\n")
    refused("a hostname without a UTS namespace",
            lambda c: c["linux"].update(namespaces=[n for n in c["linux"]["namespaces"] if n["type"] != "uts"]),
            "UTS namespace")
    # a create that dies half-way: its record lets delete remove the init and the cgroup
    killer = os.path.join(env.t, "kill-create.sh")
    open(killer, "w").write("#!/bin/sh\nkill -9 $PPID\n")
    os.chmod(killer, 0o755)
    b = env.bundle(["true"], lambda c: c.update(hooks={"createRuntime": [{"path": killer}]}))
    p = env.oci("create", "--bundle", b, "halfway")
    st = status(env, "halfway")
    cg = json.load(open(os.path.join(env.root, "halfway", "state.json"))).get("cgroupsPath") \
        if os.path.exists(os.path.join(env.root, "halfway", "state.json")) else None
    check("a create killed half-way leaves a record", p.returncode == -9 and st in ("creating", "stopped") and cg,
          (p.returncode, st, cg))
    p = env.oci("delete", "halfway")
    check("delete cleans up after a create killed half-way", p.returncode == 0
          and not os.path.exists(os.path.join(env.root, "halfway")) and (not cg or cgroup_dirs(cg) == []),
          (p.stderr, cg and cgroup_dirs(cg)))
    # a container that made a group below its own and moved into it: kill --all and
    # delete still reach it, and every group goes
    def nested(c):
        c["linux"].update(namespaces=[n for n in c["linux"]["namespaces"] if n["type"] != "user"])
        c["linux"].pop("uidMappings", None)
        c["linux"].pop("gidMappings", None)
        c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": []})
    b = env.bundle(["sh", "-c", "d=/sys/fs/cgroup/pids; [ -d $d ] || d=/sys/fs/cgroup; mkdir $d/sub && "
                    "echo $$ > $d/sub/cgroup.procs && echo moved > /tmp/moved; sleep 30"], nested)
    env.oci("run", "--detach", "--bundle", b, "nested")
    time.sleep(0.5)
    cg = json.load(open(os.path.join(env.root, "nested", "state.json")))["cgroupsPath"]
    sub = [d for d in cgroup_dirs(cg) if os.path.isdir(os.path.join(d, "sub"))]
    pids = json.loads(env.oci("ps", "--format", "json", "nested").stdout or "[]")
    check("ps lists processes in a group the container made", len(sub) == 1 and len(pids) >= 1, (sub, pids))
    t0 = time.time()
    p = env.oci("delete", "--force", "nested")
    check("delete --force removes the nested group too, promptly", p.returncode == 0 and cgroup_dirs(cg) == []
          and time.time() - t0 < 3, (p.stderr, cgroup_dirs(cg), time.time() - t0))
    # delete of a created container needs no --force (as runc)
    b = env.bundle(["true"])
    env.oci("create", "--bundle", b, "created-del")
    p = env.oci("delete", "created-del")
    check("delete of a created container without --force", p.returncode == 0 and status(env, "created-del") is None,
          p.stderr)


if __name__ == "__main__":
    sys.exit(main())
