#!/usr/bin/python3
"""Hostile and broken images: vakt image must answer each with a clear error or warning,
in bounded time and memory, without writing anything anywhere.

    hostile.py VAKT

Each case builds an image in a fresh temporary directory (with tests/image/mkimage.py, or
by hand for what mkimage cannot express), runs `vakt image` from an empty working
directory, and checks the exit code, a pattern in stderr, and what the JSON report says.
After every case the working directory must still be empty and no file named by a
hostile entry may exist outside it.
"""
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MKIMAGE = os.path.join(HERE, "mkimage.py")
ESCAPE = "/tmp/vakt-hostile-escape"  # hostile entries aim here; it must never appear

STATUS = ("Package: base-files\nStatus: install ok installed\nVersion: 12.4\n"
          "Architecture: amd64\n\n")


def mk(spec, out):
    specf = out + ".spec.json"
    with open(specf, "w") as f:
        json.dump(spec, f)
    subprocess.run(["/usr/bin/python3", MKIMAGE, specf, out], check=True)
    os.unlink(specf)
    return out


def layer(*entries, **kw):
    d = {"entries": list(entries)}
    d.update(kw)
    return d


def f(path, content="", **kw):
    return dict(path=path, type="file", content=content, **kw)


def image(*layers, fmt="docker-archive", **kw):
    spec = {"format": fmt, "config": {"User": "app"}, "layers": list(layers)}
    spec.update(kw)
    return spec


def tar_bytes(members):
    """A tar from (TarInfo, bytes-or-None) pairs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for ti, data in members:
            tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def ti(name, size=0, type_=tarfile.REGTYPE, link=""):
    t = tarfile.TarInfo(name)
    t.size, t.type, t.linkname, t.mtime = size, type_, link, 0
    return t


def docker_archive(out, layer_blobs, config=None):
    """A docker-archive from raw layer blobs (any bytes)."""
    config = config or {"architecture": "amd64", "os": "linux", "config": {"User": "app"},
                        "rootfs": {"type": "layers", "diff_ids": []}}
    cfg = json.dumps(config).encode()
    members, names = [], []
    for i, b in enumerate(layer_blobs):
        n = "l%d/layer.tar" % i
        members.append((ti(n, len(b)), b))
        names.append(n)
    members.append((ti("config.json", len(cfg)), cfg))
    man = json.dumps([{"Config": "config.json", "RepoTags": [], "Layers": names}]).encode()
    members.append((ti("manifest.json", len(man)), man))
    with open(out, "wb") as fh:
        fh.write(tar_bytes(members))
    return out


def oci_layout(out, index, blobs):
    """An OCI layout directory with index (dict) and blobs {digest: bytes}."""
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    with open(os.path.join(out, "oci-layout"), "w") as fh:
        fh.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(out, "index.json"), "w") as fh:
        json.dump(index, fh)
    for d, b in blobs.items():
        with open(os.path.join(out, "blobs", "sha256", d.split(":")[1]), "wb") as fh:
            fh.write(b)
    return out


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def zeros_gzip(size):
    """A gzip layer: one file of size zero bytes (a bomb for small limits)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    t = ti("zeros", size)
    out = [c.compress(t.tobuf(format=tarfile.USTAR_FORMAT))]
    chunk = b"\0" * (1 << 20)
    left = size
    while left:
        n = min(left, len(chunk))
        out.append(c.compress(chunk[:n]))
        left -= n
    out.append(c.compress(b"\0" * 1024))
    out.append(c.flush())
    return b"".join(out)


# ---- the cases ----------------------------------------------------------------------------
# Each: (name, build(tmp) -> (args), expected exit codes, stderr regex or None, check(json))

def c_dotdot(t):
    return [mk(image(layer(f("../../../../tmp/vakt-hostile-escape", "x"),
                           dict(path="../../tmp/vakt-hostile-escape2", type="symlink", link="/etc"),
                           f("var/lib/dpkg/status", STATUS))), t + "/i.tar")]


def c_absolute(t):
    return [mk(image(layer(f("/var/lib/dpkg/status", STATUS))), t + "/i.tar")]


def c_symlink_escape(t):
    # Followed on the host, these would read the host's dpkg database and os-release.
    return [mk(image(layer(dict(path="var/lib/dpkg/status", type="symlink",
                                link="../../../../../../var/lib/dpkg/status"),
                           dict(path="etc/os-release", type="symlink", link="/etc/os-release"))),
               t + "/i.tar")]


def c_symlink_escape_rootfs(t):
    root = t + "/rootfs"
    os.makedirs(root + "/var/lib/dpkg")
    os.makedirs(root + "/etc")
    os.symlink("../../../../../../../var/lib/dpkg/status", root + "/var/lib/dpkg/status")
    os.symlink("/etc/os-release", root + "/etc/os-release")
    return [root]


def c_hardlink_escape(t):
    return [mk(image(layer(dict(path="var/lib/dpkg/status", type="hardlink",
                                link="../../../../var/lib/dpkg/status"))), t + "/i.tar")]


def c_device(t):
    return [mk(image(layer(dict(path="var/lib/dpkg/status", type="char"),
                           dict(path="dev/null", type="char"))), t + "/i.tar")]


def c_duplicate(t):
    two = STATUS + STATUS.replace("base-files", "zlib1g")
    return [mk(image(layer(f("var/lib/dpkg/status", STATUS), f("var/lib/dpkg/status", two))),
               t + "/i.tar")]


def c_whiteout(t):
    return [mk(image(layer(f("var/lib/dpkg/status", STATUS), f("etc/os-release", "ID=debian\n")),
                     layer(f("var/lib/dpkg/.wh.status"), f("etc/.wh..wh..opq"))), t + "/i.tar")]


def c_no_end_marker(t):
    return [mk(image(layer(f("var/lib/dpkg/status", STATUS), end_marker=False)), t + "/i.tar")]


def c_truncated_body(t):
    raw = tar_bytes([(ti("var/lib/dpkg/status", 100000), b"P" * 100000)])
    return [docker_archive(t + "/i.tar", [raw[:5000]])]


def c_not_tar(t):
    return [docker_archive(t + "/i.tar", [os.urandom(4096)])]


def c_gzip_bomb(t):
    return ["--max-uncompressed", "16M", docker_archive(t + "/i.tar", [zeros_gzip(256 << 20)])]


def c_zstd_bomb(t):
    tb = ti("zeros", 256 << 20).tobuf(format=tarfile.USTAR_FORMAT)
    p = subprocess.run(["zstd", "-q", "-c", "-19"], input=tb + b"\0" * (256 << 20),
                       stdout=subprocess.PIPE, check=True)
    return ["--max-uncompressed", "16M", docker_archive(t + "/i.tar", [p.stdout])]


def c_corrupt_gzip(t):
    g = bytearray(gzip.compress(tar_bytes([(ti("a", 10000), os.urandom(10000))]), mtime=0))
    g[len(g) // 2] ^= 0xFF
    return [docker_archive(t + "/i.tar", [bytes(g)])]


def c_huge_pax(t):
    body = b"x" * (2 << 20)
    rec = b"path=" + body + b"\n"
    n = len(rec) + 8
    rec = str(n).encode() + b" " + rec
    while len(rec) != n:
        n = len(rec)
        rec = str(n).encode() + b" path=" + body + b"\n"
    h = ti("PaxHeaders/x", len(rec), tarfile.XHDTYPE)
    raw = h.tobuf(format=tarfile.USTAR_FORMAT) + rec + b"\0" * ((512 - len(rec) % 512) % 512)
    raw += ti("x", 0).tobuf(format=tarfile.USTAR_FORMAT) + b"\0" * 1024
    return [docker_archive(t + "/i.tar", [raw])]


def c_missing_blob(t):
    out = mk(image(layer(f("a", "b")), fmt="oci-layout"), t + "/oci")
    with open(out + "/index.json") as fh:
        idx = json.load(fh)
    man = json.load(open(out + "/blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
    os.unlink(out + "/blobs/sha256/" + man["layers"][0]["digest"][7:])
    return [out]


def c_absent_layer(t):
    cfg = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    man = json.dumps([{"Config": "c.json", "Layers": ["nothere/layer.tar"]}]).encode()
    with open(t + "/i.tar", "wb") as fh:
        fh.write(tar_bytes([(ti("c.json", len(cfg)), cfg), (ti("manifest.json", len(man)), man)]))
    return [t + "/i.tar"]


def c_traversal_layer_name(t):
    cfg = json.dumps({"architecture": "amd64", "os": "linux"}).encode()
    man = json.dumps([{"Config": "c.json", "Layers": ["../../../../etc/passwd"]}]).encode()
    with open(t + "/i.tar", "wb") as fh:
        fh.write(tar_bytes([(ti("c.json", len(cfg)), cfg), (ti("manifest.json", len(man)), man)]))
    return [t + "/i.tar"]


def c_traversal_digest(t):
    man = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:../../../../etc/passwd",
                                                      "size": 1}, "layers": []}).encode()
    idx = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(man),
        "size": len(man)}]}
    return [oci_layout(t + "/oci", idx, {sha(man): man})]


def c_cyclic_index(t):
    # An index blob that names itself: its digest is that of different bytes, which only
    # --verify-digests notices, so the depth limit must stop the loop.
    fake = "sha256:" + "ab" * 32
    inner = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake,
        "size": 0}]}).encode()
    inner = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake,
        "size": len(inner) + 0}]})
    # make the size field consistent with the blob's own length
    for _ in range(3):
        b = inner.encode()
        inner = json.dumps({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake,
            "size": len(b)}]})
    b = inner.encode()
    idx = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake, "size": len(b)}]}
    return [oci_layout(t + "/oci", idx, {fake: b})]


def c_deep_index(t):
    blobs = {}
    man = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + "00" * 32, "size": 2},
                      "layers": []}).encode()
    d = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(man),
         "size": len(man)}
    blobs[sha(man)] = man
    for _ in range(20):
        b = json.dumps({"schemaVersion": 2, "manifests": [d]}).encode()
        blobs[sha(b)] = b
        d = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(b),
             "size": len(b)}
    return [oci_layout(t + "/oci", {"schemaVersion": 2, "manifests": [d]}, blobs)]


def c_bad_json(t):
    with open(t + "/i.tar", "wb") as fh:
        m = b'[{"Config": "c.json",\n  "Layers": [}]'
        fh.write(tar_bytes([(ti("manifest.json", len(m)), m)]))
    return [t + "/i.tar"]


def c_bad_status(t):
    junk = "Package: \x00\x01\nVersion\n\n\nStatus: install ok installed\n" + "x" * 5000 + "\n"
    return [mk(image(layer(f("var/lib/dpkg/status", junk),
                           f("usr/lib/sysimage/rpm/rpmdb.sqlite", "SQLite format 3\0garbage"),
                           f("lib/apk/db/installed", "P:\nV:\nP:x\n"))), t + "/i.tar")]


def c_verify_mismatch(t):
    # the last byte of an uncompressed layer is end-of-archive padding: changing it leaves
    # a valid tar whose digest no longer matches
    return ["--verify-digests", mk(image(layer(f("var/lib/dpkg/status", STATUS)),
                                         fmt="oci-layout", corrupt={"layer_digest": 0}), t + "/oci")]


def c_verify_ok_without_flag(t):
    return [mk(image(layer(f("var/lib/dpkg/status", STATUS)), corrupt={"layer_digest": 0}),
               t + "/i.tar")]


def c_several_images(t):
    out = mk(image(layer(f("a", "b")), fmt="oci-layout", tag="one"), t + "/oci")
    with open(out + "/index.json") as fh:
        idx = json.load(fh)
    d2 = dict(idx["manifests"][0])
    d2["annotations"] = {"org.opencontainers.image.ref.name": "two"}
    idx["manifests"].append(d2)
    with open(out + "/index.json", "w") as fh:
        json.dump(idx, fh)
    return [out]


def c_fifo_in_rootfs(t):
    root = t + "/rootfs"
    os.makedirs(root + "/var/lib/dpkg")
    os.mkfifo(root + "/var/lib/dpkg/status")
    return [root]


def pkgs(d):
    return sorted(p["name"] for p in d.get("packages", []))


CASES = [
    ("dotdot entries", c_dotdot, {0, 1}, r"climbs out of the image root",
     lambda d: pkgs(d) == ["base-files"]),
    ("absolute paths", c_absolute, {0, 1}, None, lambda d: pkgs(d) == ["base-files"]),
    ("symlinks out of the root", c_symlink_escape, {0, 1}, None,
     lambda d: pkgs(d) == [] and "os" not in d["image"]),
    ("rootfs symlinks out of the root", c_symlink_escape_rootfs, {0, 1}, None,
     lambda d: pkgs(d) == [] and "os" not in d["image"]),
    ("hard link out of the root", c_hardlink_escape, {0, 1}, r"points outside the image root",
     lambda d: pkgs(d) == []),
    ("device files", c_device, {0, 1}, r"device or FIFO", lambda d: pkgs(d) == []),
    ("rootfs FIFO", c_fifo_in_rootfs, {0, 1}, r"not a regular file", lambda d: pkgs(d) == []),
    ("duplicate entries: the last wins", c_duplicate, {0, 1}, None,
     lambda d: pkgs(d) == ["base-files", "zlib1g"]),
    ("whiteouts and opaque directories", c_whiteout, {0, 1}, None,
     lambda d: pkgs(d) == [] and "os" not in d["image"]),
    ("no end-of-archive marker", c_no_end_marker, {0, 1}, r"end-of-archive",
     lambda d: pkgs(d) == ["base-files"]),
    ("truncated body", c_truncated_body, {3}, r"layer 1.*truncated|truncated.*layer 1", None),
    ("not a tar", c_not_tar, {3}, r"layer 1.*not a tar", None),
    ("gzip bomb", c_gzip_bomb, {3}, r"(layer 1|-: l0/layer.tar).*16 MiB.*--max-uncompressed", None),
    ("zstd bomb", c_zstd_bomb, {3}, r"(layer 1|-: l0/layer.tar).*16 MiB.*--max-uncompressed", None),
    ("corrupt gzip", c_corrupt_gzip, {3}, r"layer 1", None),
    ("pax header over the limit", c_huge_pax, {3}, r"layer 1.*(pax|header)", None),
    ("missing blob", c_missing_blob, {3}, r"layer 1 .*missing", None),
    ("manifest names an absent layer", c_absent_layer, {3}, r"nothere/layer.tar.*missing", None),
    ("layer name climbing out", c_traversal_layer_name, {3}, r"missing", None),
    ("digest used for path traversal", c_traversal_digest, {3}, r"malformed config digest", None),
    ("cyclic index", c_cyclic_index, {3}, r"nested deeper than", None),
    ("deep index", c_deep_index, {3}, r"nested deeper than", None),
    ("malformed JSON", c_bad_json, {3}, r"manifest.json:2:\d+: invalid JSON", None),
    ("malformed package databases", c_bad_status, {0, 1}, r"rpmdb.sqlite", None),
    ("--verify-digests catches a changed layer", c_verify_mismatch, {3},
     r"layer 1 .*does not match its digest", None),
    ("without --verify-digests a changed layer is read", c_verify_ok_without_flag, {0, 1}, None,
     lambda d: pkgs(d) == ["base-files"]),
    ("several images need a name", c_several_images, {2}, r"several images.*one, two", None),
]


def runs(args):
    """The ways to read the case: as named, and, for an archive file, piped to stdin."""
    yield "", args, None
    files = [a for a in args if os.path.isfile(a)]
    if len(files) == 1:
        yield " (stdin)", [a if a != files[0] else "-" for a in args], files[0]


def main():
    vakt = os.path.abspath(sys.argv[1])
    failures = 0
    total = 0
    for name, build, codes, pattern, check in CASES:
        t = tempfile.mkdtemp(prefix="vakt-hostile-")
        work = os.path.join(t, "work")
        os.mkdir(work)
        for how, args, piped in runs(build(t)):
            total += 1
            for p in (ESCAPE, ESCAPE + "2"):
                if os.path.lexists(p):
                    os.unlink(p)
            start = time.monotonic()
            with open(piped if piped else os.devnull, "rb") as fh:
                cat = subprocess.Popen(["cat"], stdin=fh, stdout=subprocess.PIPE)
                p = subprocess.run([vakt, "image", "-f", "json", "--list-packages", *args],
                                   capture_output=True, text=True, cwd=work, timeout=60,
                                   stdin=cat.stdout)
                cat.stdout.close()
                cat.wait()
            took = time.monotonic() - start
            fails = []
            if p.returncode not in codes:
                fails.append(f"exit {p.returncode}, expected {sorted(codes)}")
            if pattern and not re.search(pattern, p.stderr):
                fails.append(f"stderr does not match /{pattern}/")
            if "AddressSanitizer" in p.stderr or "runtime error" in p.stderr:
                fails.append("sanitizer report")
            if check:
                try:
                    if not check(json.loads(p.stdout)):
                        fails.append("unexpected report: " + p.stdout[:400])
                except ValueError:
                    fails.append("no JSON report")
            if os.listdir(work):
                fails.append(f"wrote into the working directory: {os.listdir(work)}")
            for q in (ESCAPE, ESCAPE + "2"):
                if os.path.lexists(q):
                    fails.append(f"created {q}")
            if took > 20:
                fails.append(f"took {took:.1f}s")
            status = "ok" if not fails else "FAIL"
            print(f"{status}: {name}{how} ({took:.2f}s, exit {p.returncode})")
            for msg in fails:
                print("    " + msg)
                print("    stderr: " + p.stderr.strip()[:600])
            failures += bool(fails)
        shutil.rmtree(t)
    print(f"hostile images: {len(CASES)} cases, {total} runs, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
