#!/usr/bin/python3
"""Overlay semantics, differentially: vakt's kept view against a real extraction.

    overlay.py VAKT

Each case is a small OCI layout (tests/image/mkimage.py) whose layers interact: whiteouts
and re-adds, opaque directories, files replacing symlinks and the reverse, directories
replacing files, hard links, whited-out directories, databases behind directory symlinks.
umoci unpacks it (it applies the layers in order, whiteouts included, as the OCI image
spec says), and `vakt image` reads both the layout and the unpacked root filesystem: the
OS and the package list (name, version, source, licence) must be the same, and must be
the ones the case expects. Skips (77) without umoci or root.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MKIMAGE = os.path.join(HERE, "mkimage.py")


def status(*pkgs):
    return "".join(f"Package: {n}\nStatus: install ok installed\nVersion: {v}\n"
                   f"Architecture: amd64\n\n" for n, v in pkgs)


def f(path, content=""):
    return {"path": path, "type": "file", "content": content}


def d(path):
    return {"path": path, "type": "dir"}


def sym(path, link):
    return {"path": path, "type": "symlink", "link": link}


def hard(path, link):
    return {"path": path, "type": "hardlink", "link": link}


DEB = "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
ALP = "ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"
APK = "P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\n"
COPYRIGHT = ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
             "Files: *\nLicense: Zlib\n")
BASE = [d("etc"), d("usr"), d("usr/lib"), d("var"), d("var/lib"), d("var/lib/dpkg"),
        f("usr/lib/os-release", DEB), sym("etc/os-release", "../usr/lib/os-release"),
        f("var/lib/dpkg/status", status(("base-files", "12.4"), ("zlib1g", "1:1.2.13"))),
        d("usr/share"), d("usr/share/doc"), d("usr/share/doc/zlib1g"),
        f("usr/share/doc/zlib1g/copyright", COPYRIGHT)]

# name, layers (lists of entries, base first), expected OS id, expected package names
CASES = [
    ("whiteout, then the file again", [BASE, [f("var/lib/dpkg/.wh.status")],
                                       [f("var/lib/dpkg/status", status(("libc6", "2.36")))]],
     "debian", ["libc6"]),
    ("opaque directory with a new file in the same layer",
     [BASE, [d("var/lib/dpkg"), f("var/lib/dpkg/.wh..wh..opq"),
             f("var/lib/dpkg/status", status(("bash", "5.2")))]], "debian", ["bash"]),
    ("a file replaces a symlink", [BASE, [f("etc/os-release", ALP)]], "alpine",
     ["base-files", "zlib1g"]),
    ("a symlink replaces a file", [[d("etc"), d("usr"), d("usr/lib"), f("etc/os-release", ALP),
                                    f("usr/lib/os-release", DEB)],
                                   [sym("etc/os-release", "../usr/lib/os-release")]],
     "debian", []),
    ("a directory replaces a symlink",
     [[d("var"), d("var/lib"), d("opt"), d("opt/dpkg"),
       f("opt/dpkg/status", status(("old", "1"))), sym("var/lib/dpkg", "../../opt/dpkg")],
      [d("var/lib/dpkg"), f("var/lib/dpkg/status", status(("new", "2")))]], None, ["new"]),
    ("a database behind a directory symlink",
     [[d("var"), d("var/lib"), d("opt"), d("opt/dpkg"),
       f("opt/dpkg/status", status(("viasymlink", "1"))), sym("var/lib/dpkg", "/opt/dpkg")]],
     None, ["viasymlink"]),
    ("a file replaces a directory (the licence goes)",
     [BASE, [f("usr/share/doc/zlib1g", "not a directory")]], "debian", ["base-files", "zlib1g"]),
    ("a hard link is the database", [[d("var"), d("var/lib"), d("var/lib/dpkg"),
                                      f("var/lib/dpkg/status.real", status(("linked", "3"))),
                                      hard("var/lib/dpkg/status", "var/lib/dpkg/status.real")]],
     None, ["linked"]),
    ("a whited-out directory", [BASE, [f("var/lib/.wh.dpkg"), f("usr/lib/.wh.os-release")]],
     None, []),
    ("whiteout and re-creation in one layer",
     [BASE, [f("var/lib/.wh.dpkg"), d("var/lib/dpkg"),
             f("var/lib/dpkg/status", status(("fresh", "1")))]], "debian", ["fresh"]),
    ("merged /usr: lib -> usr/lib holds the apk database",
     [[d("usr"), d("usr/lib"), sym("lib", "usr/lib"), d("usr/lib/apk"), d("usr/lib/apk/db"),
       f("usr/lib/apk/db/installed", APK), d("etc"), f("etc/os-release", ALP)]],
     "alpine", ["musl"]),
    ("opaque directory hides a lower subtree only",
     [BASE, [d("usr/share/doc"), f("usr/share/doc/.wh..wh..opq"), d("var/lib/dpkg"),
             f("var/lib/dpkg/status", status(("zlib1g", "1:1.2.13")))]],
     "debian", ["zlib1g"]),
]


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def summary(vakt, ref, cwd):
    p = subprocess.run([vakt, "image", "-q", "-f", "json", "--list-packages", ref], cwd=cwd,
                       capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"vakt image {ref}: exit {p.returncode}: {p.stderr.strip()}")
    doc = json.loads(p.stdout)
    pkgs = sorted((q["name"], q["version"], q.get("source_name"), q.get("license"))
                  for q in doc.get("packages", []))
    return (doc["image"].get("os") or {}).get("id"), pkgs


def main():
    vakt = os.path.abspath(sys.argv[1])
    if not shutil.which("umoci"):
        skip("umoci is not installed (scripts/install-deps.sh installs it)")
    if os.geteuid() != 0:
        skip("umoci unpack keeps owners and device files only as root")
    failures = 0
    for name, layers, want_os, want_pkgs in CASES:
        with tempfile.TemporaryDirectory(prefix="vakt-overlay-") as t:
            spec = {"format": "oci-layout", "tag": "t", "config": {"User": "1000"},
                    "layers": [{"compression": "gzip", "entries": l} for l in layers]}
            with open(os.path.join(t, "spec.json"), "w") as fh:
                json.dump(spec, fh)
            subprocess.run(["/usr/bin/python3", MKIMAGE, "spec.json", "layout"], cwd=t, check=True)
            u = subprocess.run(["umoci", "unpack", "--image", "layout:t", "bundle"], cwd=t,
                               capture_output=True, text=True)
            if u.returncode != 0:
                print(f"FAIL: {name}: umoci unpack: {u.stderr.strip()}")
                failures += 1
                continue
            fails = []
            try:
                got = summary(vakt, "layout:t", t)
                ref = summary(vakt, "bundle/rootfs", t)
            except RuntimeError as e:
                fails.append(str(e))
            else:
                if got != ref:
                    fails.append(f"the layout reads as {got}, umoci's extraction as {ref}")
                if got[0] != want_os or [p[0] for p in got[1]] != want_pkgs:
                    fails.append(f"expected os {want_os} and {want_pkgs}, got {got}")
            print(f"{'FAIL' if fails else 'ok'}: {name}")
            for msg in fails:
                print("    " + msg)
            failures += bool(fails)
    print(f"overlay: {len(CASES)} cases against umoci unpack, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
