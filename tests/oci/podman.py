#!/usr/bin/python3
"""Podman with vakt as its OCI runtime: `podman --runtime VAKT run ...` on a busybox image
imported with `podman import`, the default policy in force.

    podman.py VAKT

Checks from inside the container (CapEff 0, NoNewPrivs 1, Seccomp 2, a read-only root)
and the engine's view: exit codes, `podman ps`, `exec`, `stop`, `rm` and `run -it`
terminals. Needs root and podman (scripts/install-deps.sh installs it); skips (77)
with the reason otherwise.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import check  # noqa: E402
IMAGE = "localhost/vakt-podman-test:latest"



def main():
    vakt = os.path.abspath(sys.argv[1])
    podman = shutil.which("podman")
    if os.geteuid() != 0:
        print("SKIP: the Podman integration test runs as root (CI runs as root)")
        return 77
    if not podman:
        print("SKIP: podman is not installed (scripts/install-deps.sh installs it)")
        return 77
    # this machine's Podman needs explicit ulimits (its defaults exceed the hard limits);
    # --network none: no CNI or netavark configuration is assumed
    flags = ["--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
    pm = [podman, "--runtime", vakt]

    def run(*args, timeout=120):
        return subprocess.run(pm + list(args), capture_output=True, text=True, timeout=timeout)

    with tempfile.TemporaryDirectory(prefix="vakt-podman-") as t:
        root = os.path.join(t, "rootfs")
        harness.busybox_rootfs(root, ("sh", "cat", "grep", "touch", "sleep", "tty", "echo", "id", "ls", "test"),
                               ("proc", "sys", "dev", "etc", "tmp", "run", "var"))
        tar = subprocess.run(["tar", "-C", root, "-c", "."], capture_output=True, check=True).stdout
        p = subprocess.run([podman, "import", "-", IMAGE], input=tar, capture_output=True)
        if p.returncode != 0:
            print(f"SKIP: podman import failed here: {p.stderr.decode(errors='replace')}")
            return 77
    try:
        p = run("run", "--rm", *flags, IMAGE, "sh", "-c",
                "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; touch /x 2>/dev/null || echo root-ro; "
                "touch /tmp/x && echo tmp-rw; exit 7")
        st = dict(l.split(":\t") for l in p.stdout.splitlines() if ":\t" in l)
        check("podman run: the container's exit code", p.returncode == 7, p.stdout + p.stderr)
        check("inside: CapEff 0, NoNewPrivs 1, Seccomp 2", st.get("CapEff") == "0000000000000000"
              and st.get("NoNewPrivs") == "1" and st.get("Seccomp") == "2", p.stdout + p.stderr)
        check("inside: the root is read-only, /tmp a writable tmpfs", "root-ro" in p.stdout and "tmp-rw" in p.stdout,
              p.stdout)

        p = run("run", "-d", *flags, IMAGE, "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
        cid = p.stdout.strip()
        check("podman run -d", p.returncode == 0 and len(cid) == 64, p.stdout + p.stderr)
        p = run("ps", "--no-trunc", "--format", "{{.ID}} {{.Status}}")
        check("podman ps lists it as up", any(l.startswith(cid) and " Up " in f" {l} " for l in p.stdout.splitlines()),
              p.stdout + p.stderr)
        p = run("exec", cid, "sh", "-c", "grep -E '^(CapEff|NoNewPrivs):' /proc/self/status; exit 3")
        check("podman exec: the policy holds for exec'd processes, and its exit code", p.returncode == 3
              and "0000000000000000" in p.stdout and "NoNewPrivs:\t1" in p.stdout, p.stdout + p.stderr)
        p = run("top", cid)
        check("podman top", p.returncode == 0 and "sleep" in p.stdout, p.stdout + p.stderr)
        p = run("stop", "-t", "10", cid)
        check("podman stop", p.returncode == 0, p.stderr)
        p = run("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Status}}")
        check("podman ps -a: exited (0)", any(l.startswith(cid) and "Exited (0)" in l for l in p.stdout.splitlines()),
              p.stdout)
        p = run("rm", cid)
        check("podman rm", p.returncode == 0, p.stderr)
        p = run("ps", "-a", "--no-trunc", "--format", "{{.ID}}")
        check("podman ps -a: gone", cid not in p.stdout, p.stdout)
        state = subprocess.run([vakt, "oci", "--root", "/run/vakt", "list", "-q"], capture_output=True, text=True)
        check("vakt's state for it is gone", cid not in state.stdout, state.stdout)

        # a terminal: `podman run -it` under script(1), which gives podman a pty
        cmd = " ".join(pm + ["run", "-it", "--rm", *flags, IMAGE, "sh", "-c",
                             "'test -t 0 && echo IS-A-TTY; tty; exit 5'"])
        p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        check("podman run -it: the process has a terminal, and its exit code", p.returncode == 5
              and "IS-A-TTY" in p.stdout and "/dev/pts/" in p.stdout, p.stdout + p.stderr)

        # a container the policy refuses: the engine reports the policy's reason
        p = run("run", "--rm", *flags, "--pid", "host", IMAGE, "true")
        check("podman run --pid host: refused by the policy, the reason shown", p.returncode != 0
              and "hostNamespaces" in p.stderr, p.stderr)
    finally:
        ids = subprocess.run([podman, "ps", "-aq", "--filter", f"ancestor={IMAGE}"], capture_output=True,
                             text=True).stdout.split()
        if ids:
            subprocess.run([podman, "rm", "-f", *ids], capture_output=True)
        subprocess.run([podman, "rmi", "-f", IMAGE], capture_output=True)
    print(f"podman: {harness.failures} failures")
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
