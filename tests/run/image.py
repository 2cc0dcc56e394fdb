#!/usr/bin/python3
"""vakt run IMAGE: an image unpacked into the cache and run with its config.

    image.py VAKT [DEBIAN_IMAGES_DIR]

Builds a busybox image with tests/image/mkimage.py (config, a whiteout layer, an opaque
directory, a hard link, and a layer trying to write outside the rootfs through a symlink),
runs it, and checks the config applies, ownership inside the user namespace, whiteouts,
that nothing escaped, that the cache is reused, and that a corrupt image leaves no cache
entry. With DEBIAN_IMAGES_DIR, also runs the real curl-slim image. Needs root and user
namespaces; skips (77) with the reason otherwise.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MKIMAGE = os.path.join(HERE, "..", "image", "mkimage.py")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import check  # noqa: E402



APPLETS = ("sh", "cat", "ls", "id", "echo", "pwd", "env", "true", "test")


def spec(layers_extra=None):
    base = [{"path": "bin", "type": "dir"},
            {"path": "bin/busybox", "type": "file", "content_file": "busybox", "mode": 0o755}]
    base += [{"path": f"bin/{a}", "type": "symlink", "link": "busybox"} for a in APPLETS]
    base += [{"path": "etc/passwd", "type": "file",
              "content": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"},
             {"path": "etc/group", "type": "file", "content": "root:x:0:\napp:x:1001:\nstaff:x:50:\n"},
             {"path": "etc/gone.txt", "type": "file", "content": "lower\n"},
             {"path": "opq", "type": "dir"},
             {"path": "opq/lower.txt", "type": "file", "content": "lower\n"},
             {"path": "srv/app", "type": "dir", "mode": 0o755},
             {"path": "srv/app/marker", "type": "file", "content": "marker-content-AAAA\n"},
             {"path": "tmp", "type": "dir", "mode": 0o1777}]
    whiteouts = [{"path": "etc/.wh.gone.txt", "type": "file"},
                 {"path": "opq/upper.txt", "type": "file", "content": "upper\n"},
                 {"path": "opq/.wh..wh..opq", "type": "file"},
                 {"path": "bin/hl", "type": "hardlink", "link": "bin/busybox"},
                 {"path": "suid", "type": "file", "content": "x", "mode": 0o4755}]
    escape = [{"path": "evil", "type": "symlink", "link": "/"},
              {"path": "evil/tmp/vakt-unpack-escape", "type": "file", "content": "escaped?\n"},
              {"path": "evil2", "type": "symlink", "link": "../../../../../../tmp"},
              {"path": "evil2/vakt-unpack-escape2", "type": "file", "content": "escaped?\n"},
              {"path": "dev/null", "type": "char"}]
    return {
        "format": "docker-archive",
        "tag": "vakt/busybox:test",
        "config": {"Entrypoint": ["/bin/busybox"], "Cmd": ["echo", "hello-from-cmd"],
                   "Env": ["PATH=/bin", "FROM_IMAGE=yes", "OVERRIDE=image"],
                   "WorkingDir": "/srv/app", "User": "app"},
        "layers": [{"compression": "gzip", "entries": base},
                   {"compression": "none", "entries": whiteouts},
                   {"compression": "zstd" if shutil.which("zstd") else "gzip", "entries": escape}]
                  + (layers_extra or []),
    }


def build(t, name, sp):
    d = os.path.join(t, "spec-" + name)
    os.makedirs(d, exist_ok=True)
    shutil.copy(harness.busybox(), os.path.join(d, "busybox"))
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(sp, f)
    out = os.path.join(t, name + ".tar")
    subprocess.run([sys.executable, MKIMAGE, os.path.join(d, "spec.json"), out], check=True)
    return out


def main():
    vakt = os.path.abspath(sys.argv[1])
    debian = sys.argv[2] if len(sys.argv) > 2 else None
    why = harness.skip_reason("vakt run's tests")
    if why:
        print(f"SKIP: {why}")
        return 77
    for p in ("/tmp/vakt-unpack-escape", "/tmp/vakt-unpack-escape2"):
        if os.path.lexists(p):
            os.unlink(p)
    with tempfile.TemporaryDirectory(prefix="vakt-img-") as t:
        os.chmod(t, 0o711)  # the container's root must reach the cache below it
        cache = os.path.join(t, "cache")
        img = build(t, "busybox", spec())

        def run(image, *cmd, opts=()):
            return subprocess.run([vakt, "run", "-q", "--image-cache", cache, *opts, image,
                                   *(["--", *cmd] if cmd else [])],
                                  capture_output=True, text=True, timeout=120)

        # the article's hardened run, with vakt: a non-root user with no capability serving
        # port 80 in its own network namespace, read-only root, writable /tmp, reachable
        # from the host on 127.0.0.1:18080
        import socket
        import urllib.request
        port = 8080  # the article's; another when something on this machine holds it
        with socket.socket() as probe_sock:
            if probe_sock.connect_ex(("127.0.0.1", 8080)) == 0:
                port = 18080
                print("note: 127.0.0.1:8080 is taken here: publishing on 18080 instead")
        srv = subprocess.Popen([vakt, "run", "-q", "--image-cache", cache, "--init", "-p", f"{port}:80", "--user", "1000",
                                img, "--", "sh", "-c",
                                "grep CapEff /proc/self/status > /tmp/index.html; id -u >> /tmp/index.html; "
                                "touch /rootcheck 2>> /tmp/index.html; exec httpd -f -p 80 -h /tmp"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        body = ""
        for _ in range(100):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        srv.terminate()
        try:
            srv.wait(timeout=20)
        except subprocess.TimeoutExpired:
            srv.kill()
        check(f"-p {port}:80 --user 1000: httpd on port 80, no capability, read-only root, reachable on 127.0.0.1:{port}",
              "0000000000000000" in body and "\n1000\n" in body and "Read-only file system" in body, repr(body))

        t0 = time.monotonic()
        p = run(img)
        first = time.monotonic() - t0
        check("entrypoint + cmd", p.returncode == 0 and p.stdout == "hello-from-cmd\n", p.stdout + p.stderr)
        entries = glob.glob(os.path.join(cache, "images", "*"))
        check("one cache entry", len(entries) == 1, entries)
        rootfs = os.path.join(entries[0], "rootfs") if entries else "/nonexistent"

        p = run(img, "sh", "-c", "echo $FROM_IMAGE $OVERRIDE; pwd; id -u; id -g", opts=("-e", "OVERRIDE=cli"))
        check("command replaces cmd; env, workdir, user", p.returncode == 0 and
              p.stdout.split() == ["yes", "cli", "/srv/app", "1000", "1001"], p.stdout + p.stderr)
        p = run(img, "sh", "-c", "pwd; id -u; id -g", opts=("-w", "/", "-u", "0"))
        check("--workdir and --user win over the config", p.stdout.split() == ["/", "0", "0"], p.stdout + p.stderr)

        p = run(img, "ls", "-ln", "/bin/busybox", "/suid")
        lines = [l.split() for l in p.stdout.splitlines()]
        check("files owned by root inside", p.returncode == 0 and len(lines) == 2 and
              all(l[2:4] == ["0", "0"] for l in lines), p.stdout + p.stderr)
        check("setuid bit kept", len(lines) == 2 and lines[1][0] == "-rwsr-xr-x", p.stdout)
        st = os.lstat(os.path.join(rootfs, "bin", "busybox"))
        check("chowned to the mapped root on the host", st.st_uid >= 65536 and st.st_uid == st.st_gid, st)
        check("hard link inside the root", st.st_ino == os.lstat(os.path.join(rootfs, "bin", "hl")).st_ino)

        p = run(img, "sh", "-c", "test -e /etc/gone.txt && echo gone-present; test -e /opq/lower.txt && "
                "echo lower-present; cat /opq/upper.txt; test -e /dev/null && echo ok-dev")
        check("whiteout and opaque directory", p.stdout.split() == ["upper", "ok-dev"], p.stdout + p.stderr)

        check("nothing written outside the rootfs",
              not os.path.lexists("/tmp/vakt-unpack-escape") and not os.path.lexists("/tmp/vakt-unpack-escape2"))
        check("the escape attempt landed inside",
              os.path.isfile(os.path.join(rootfs, "tmp", "vakt-unpack-escape")) and
              os.path.isfile(os.path.join(rootfs, "tmp", "vakt-unpack-escape2")))
        check("the symlink is stored, not followed", os.readlink(os.path.join(rootfs, "evil")) == "/")

        ino = os.stat(rootfs).st_ino
        t0 = time.monotonic()
        p = run(img, "true")
        again = time.monotonic() - t0
        check("second run reuses the cache", p.returncode == 0 and os.stat(rootfs).st_ino == ino and
              len(glob.glob(os.path.join(cache, "images", "*"))) == 1, p.stderr)
        print(f"    first run {first:.2f}s, second {again:.2f}s")
        check("no temporary directory left", os.listdir(os.path.join(cache, "tmp")) == [])

        # a layer whose bytes no longer match the config's diff ID
        bad = build(t, "corrupt", spec([{"compression": "none",
                                         "entries": [{"path": "etc/x", "type": "file", "content": "original!\n"}]}]))
        with open(bad, "rb") as f:
            data = f.read()
        check("corrupt image: the byte to change is there", data.count(b"original!") == 1)
        with open(bad, "wb") as f:
            f.write(data.replace(b"original!", b"tampered!"))
        before = sorted(os.listdir(os.path.join(cache, "images")))
        p = run(bad, "true")
        check("corrupt image: a clear error", p.returncode == 125 and "the config says" in p.stderr, p.stderr)
        print("    " + p.stderr.strip())
        check("corrupt image: no cache entry", sorted(os.listdir(os.path.join(cache, "images"))) == before and
              os.listdir(os.path.join(cache, "tmp")) == [], os.listdir(os.path.join(cache, "images")))

        dotdot = build(t, "dotdot", spec([{"compression": "none", "entries": [
            {"path": "a/../../x", "type": "file", "content": "x"}]}]))
        p = run(dotdot, "true")
        check("'..' entry refused", p.returncode == 125 and '".."' in p.stderr, p.stderr)
        check("'..': no cache entry", sorted(os.listdir(os.path.join(cache, "images"))) == before)

        p = run(os.path.join(t, "missing.tar"), "true")
        check("missing image: an error", p.returncode == 125 and "missing.tar" in p.stderr, p.stderr)

        curl = os.path.join(debian, "curl-slim.docker.tar") if debian else None
        if curl and os.path.exists(curl):
            p = run(curl, "/bin/sh", "-c", "id -u; cat /etc/debian_version")
            out = p.stdout.split()
            check("debian curl-slim runs", p.returncode == 0 and len(out) == 2 and out[0] == "0" and
                  out[1][:1].isdigit(), p.stdout + p.stderr)
            # the defaults, on a real distribution image: stripped, read-only, loopback only
            p = run(curl, "/bin/sh", "-c",
                    "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; ls /sys/class/net; "
                    "touch /etc/x 2>&1; touch /tmp/x && echo tmp-ok; curl --version | head -1")
            check("debian curl-slim with the defaults: no capability, no_new_privs, seccomp, read-only root, "
                  "writable /tmp, loopback only, its own curl runs",
                  p.stdout.count("0000000000000000") == 2 and "NoNewPrivs:\t1" in p.stdout and "Seccomp:\t2" in p.stdout
                  and "Read-only file system" in p.stdout and "tmp-ok" in p.stdout and "\nlo\n" in p.stdout
                  and "curl 7.88" in p.stdout, p.stdout + p.stderr)
        else:
            print("note: no Debian images, the real-image case is not run")
    for p in ("/tmp/vakt-unpack-escape", "/tmp/vakt-unpack-escape2"):
        if os.path.lexists(p):
            os.unlink(p)
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
