#!/usr/bin/python3
"""Build small container images from a JSON spec, for vakt's image tests.

    mkimage.py SPEC OUT

SPEC describes the image; OUT is the archive (docker-archive, oci-archive) or directory
(oci-layout) to write. The spec:

  {
    "format": "docker-archive" | "docker-legacy" | "oci-layout" | "oci-archive",
    "tag": "example/app:1.0",            # RepoTags / ref.name (optional)
    "config": {"User": "app", ...},       # merged into the config's "config"
    "history": [{"created_by": "..."}],   # optional; default one entry per layer
    "layers": [
      {"compression": "none" | "gzip" | "zstd",
       "end_marker": true,                 # false: omit the tar's two zero blocks
       "entries": [
         {"path": "etc/os-release", "type": "file", "content": "ID=debian\\n",
          "content_file": "relative/to/spec", "mode": 420},
         {"path": "lib", "type": "symlink", "link": "usr/lib"},
         {"path": "a", "type": "hardlink", "link": "b"},
         {"path": "dir", "type": "dir"},
         {"path": "dev/x", "type": "char"},
         {"path": "usr/bin/.wh.foo", "type": "file"}     # whiteouts are plain entries
       ]}
    ],
    "corrupt": {"layer_digest": 0}       # optional: give layer 0 a wrong digest
  }

Everything is deterministic (mtime 0, sorted JSON), so digests are stable across runs.
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

TYPES = {
    "file": tarfile.REGTYPE,
    "dir": tarfile.DIRTYPE,
    "symlink": tarfile.SYMTYPE,
    "hardlink": tarfile.LNKTYPE,
    "char": tarfile.CHRTYPE,
    "block": tarfile.BLKTYPE,
    "fifo": tarfile.FIFOTYPE,
}


def layer_tar(layer, base):
    buf = io.BytesIO()
    tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
    for e in layer.get("entries", []):
        ti = tarfile.TarInfo(e["path"])
        ti.type = TYPES[e.get("type", "file")]
        ti.mtime = 0
        ti.mode = e.get("mode", 0o755 if ti.type == tarfile.DIRTYPE else 0o644)
        ti.uid = ti.gid = 0
        data = None
        if ti.type == tarfile.REGTYPE:
            if "content_file" in e:
                with open(os.path.join(base, e["content_file"]), "rb") as f:
                    data = f.read()
            else:
                data = e.get("content", "").encode()
            ti.size = len(data)
        if ti.type in (tarfile.SYMTYPE, tarfile.LNKTYPE):
            ti.linkname = e["link"]
        tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    tf.close()
    raw = buf.getvalue()
    if layer.get("end_marker", True) is False:
        # tarfile pads to a 10240-byte record after the two zero blocks: cut all of it
        raw = raw.rstrip(b"\0")
        raw += b"\0" * ((512 - len(raw) % 512) % 512)
    return raw


def compress(raw, kind):
    if kind == "gzip":
        return gzip.compress(raw, mtime=0)
    if kind == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=raw, stdout=subprocess.PIPE,
                              check=True).stdout
    return raw


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def jbytes(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def build(spec, base):
    layers = []  # (blob, diff_id, media_type)
    for layer in spec.get("layers", []):
        raw = layer_tar(layer, base)
        kind = layer.get("compression", "none")
        blob = compress(raw, kind)
        mt = {"none": "application/vnd.oci.image.layer.v1.tar",
              "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
              "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}[kind]
        layers.append((blob, sha(raw), mt))
    history = spec.get("history") or [{"created_by": "mkimage layer %d" % i}
                                      for i in range(len(layers))]
    config = {
        "architecture": spec.get("architecture", "amd64"),
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": spec.get("config", {}),
        "rootfs": {"type": "layers", "diff_ids": [d for _, d, _ in layers]},
        "history": history,
    }
    return layers, jbytes(config)


def add(tf, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 0
    tf.addfile(ti, io.BytesIO(data))


def write_docker(spec, layers, config, out):
    cfg_name = hashlib.sha256(config).hexdigest() + ".json"
    names = []
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
        for i, (blob, diff, _) in enumerate(layers):
            if spec.get("corrupt", {}).get("layer_digest") == i:
                blob = blob[:-1] + bytes([blob[-1] ^ 1])
            name = diff.split(":")[1] + "/layer.tar"
            add(tf, name, blob)
            names.append(name)
        add(tf, cfg_name, config)
        manifest = [{"Config": cfg_name, "RepoTags": [spec["tag"]] if spec.get("tag") else [],
                     "Layers": names}]
        add(tf, "manifest.json", jbytes(manifest))


def write_docker_legacy(spec, layers, config, out):
    """docker save before 1.10: no manifest.json; parent chains and a repositories file."""
    cfg = json.loads(config)
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
        parent = None
        ids = []
        for i, (blob, diff, _) in enumerate(layers):
            lid = hashlib.sha256(("layer%d" % i + diff).encode()).hexdigest()
            v1 = {"id": lid}
            if parent:
                v1["parent"] = parent
            if i == len(layers) - 1:
                v1.update({k: cfg[k] for k in ("architecture", "os", "created", "config")})
            add(tf, lid + "/VERSION", b"1.0")
            add(tf, lid + "/json", jbytes(v1))
            add(tf, lid + "/layer.tar", blob)
            parent = lid
            ids.append(lid)
        repo, _, t = (spec.get("tag") or "example/app:latest").rpartition(":")
        add(tf, "repositories", jbytes({repo: {t: ids[-1]}}))


def oci_files(spec, layers, config):
    """The files of an OCI layout: {path: bytes}."""
    files = {"oci-layout": jbytes({"imageLayoutVersion": "1.0.0"})}
    descs = []
    for i, (blob, diff, mt) in enumerate(layers):
        d = sha(blob)
        if spec.get("corrupt", {}).get("layer_digest") == i:
            blob = blob[:-1] + bytes([blob[-1] ^ 1])
        files["blobs/sha256/" + d.split(":")[1]] = blob
        descs.append({"mediaType": mt, "digest": d, "size": len(blob)})
    files["blobs/sha256/" + sha(config).split(":")[1]] = config
    manifest = jbytes({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha(config), "size": len(config)},
        "layers": descs,
    })
    files["blobs/sha256/" + sha(manifest).split(":")[1]] = manifest
    desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(manifest),
            "size": len(manifest)}
    if spec.get("tag"):
        desc["annotations"] = {"org.opencontainers.image.ref.name": spec["tag"]}
    files["index.json"] = jbytes({"schemaVersion": 2, "manifests": [desc]})
    return files


def main():
    spec_path, out = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(spec_path))
    layers, config = build(spec, base)
    fmt = spec.get("format", "docker-archive")
    if fmt == "docker-archive":
        write_docker(spec, layers, config, out)
    elif fmt == "docker-legacy":
        write_docker_legacy(spec, layers, config, out)
    elif fmt == "oci-layout":
        for path, data in oci_files(spec, layers, config).items():
            p = os.path.join(out, path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
    elif fmt == "oci-archive":
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
            for path, data in sorted(oci_files(spec, layers, config).items()):
                add(tf, path, data)
    else:
        sys.exit("mkimage: unknown format " + fmt)


if __name__ == "__main__":
    main()
