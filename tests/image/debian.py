#!/usr/bin/python3
"""Real Debian images against their ground truth.

    debian.py VAKT CACHE_DIR

Builds the images of ../shared/tools/make-debian-image.sh into CACHE_DIR once (debootstrap
+ umoci + skopeo from Debian's mirror; about a minute, needs root), then checks that
`vakt image --list-packages` finds exactly the packages dpkg-query lists inside each
image (name, version, source name, source version), through every format the script
writes: docker-archive, OCI layout (three tags), OCI archive, and stdin. Also: packages
are attributed to the layer that installed them, --verify-digests accepts the untouched
images, the JSON report and both SBOMs are byte-identical across runs, and the SBOMs
validate against the CycloneDX 1.6 and SPDX 2.3 schemas.

Skips (exit 77) with the reason when ../shared is absent, when not root, or when the
images cannot be built here.
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
MAKE = SHARED / "tools" / "make-debian-image.sh"

# (reference, ground truth, packages expected in layers other than the first)
CASES = [
    ("minbase.docker.tar", "packages-minbase.tsv"),
    ("oci:minbase", "packages-minbase.tsv"),
    ("curl-slim.docker.tar", "packages-curl.tsv"),
    ("curl-slim.oci.tar", "packages-curl.tsv"),
    ("oci:curl", "packages-curl.tsv"),
    ("oci:curl-slim", "packages-curl.tsv"),
]


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def build(cache):
    if (cache / "curl-slim.oci.tar").exists() and (cache / "packages-curl.tsv").exists():
        return
    if not MAKE.exists():
        skip(f"{MAKE} is absent (CI has ../shared beside the checkout)")
    if os.geteuid() != 0:
        skip("building Debian images needs root (debootstrap, chroot)")
    cache.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["bash", str(MAKE), str(cache)], capture_output=True, text=True)
    if p.returncode != 0:
        skip("make-debian-image.sh failed here: " + (p.stderr.strip().splitlines() or ["?"])[-1])


def vakt_json(vakt, ref, cwd, *args, stdin=None):
    p = subprocess.run([vakt, "image", "-f", "json", "--list-packages", *args, ref], cwd=cwd,
                       capture_output=True, stdin=stdin, timeout=300)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"vakt image {ref} exited {p.returncode}: {p.stderr.decode()}")
    return p.stdout


def rows(report):
    return sorted("\t".join([p["name"], p["version"], p["source_name"], p["source_version"]])
                  for p in report["packages"])


def main():
    vakt = os.path.abspath(sys.argv[1])
    cache = pathlib.Path(sys.argv[2]).resolve()
    build(cache)
    failures = 0

    def fail(msg):
        nonlocal failures
        failures += 1
        print("FAIL: " + msg)

    minbase = set()
    for ref, truth in CASES:
        want = sorted(l.rstrip("\n") for l in (cache / truth).read_text().splitlines() if l)
        out = vakt_json(vakt, ref, cache)
        got = rows(json.loads(out))
        if got != want:
            missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
            fail(f"{ref}: {len(got)} packages, ground truth {len(want)}; missing {missing[:5]}, "
                 f"extra {extra[:5]}")
        else:
            print(f"ok: {ref}: {len(got)} packages equal {truth}")
        if vakt_json(vakt, ref, cache) != out:
            fail(f"{ref}: the JSON report differs between two runs")
        report = json.loads(out)
        if truth == "packages-minbase.tsv":
            minbase = {p["name"] for p in report["packages"]}
        else:
            # curl's layer installed what minbase lacks; everything else came with layer 1
            wrong = [p["name"] for p in report["packages"]
                     if p.get("layer") != (1 if p["name"] in minbase else 2)]
            if not minbase or wrong:
                fail(f"{ref}: packages attributed to the wrong layer: {wrong[:5]}")

        v = subprocess.run([vakt, "image", "--verify-digests", "-q", "-f", "json", ref], cwd=cache,
                           capture_output=True, timeout=300)
        if v.returncode not in (0, 1):
            fail(f"{ref}: --verify-digests failed: {v.stderr.decode().strip()}")

    # stdin: a real pipe (read once, members in the writer's order); the report must be the
    # one of the same file read from disk, layer attribution included
    for name in ("minbase.docker.tar", "curl-slim.docker.tar", "curl-slim.oci.tar"):
        for extra in ((), ("--verify-digests",)):
            cat = subprocess.Popen(["cat", name], cwd=cache, stdout=subprocess.PIPE)
            streamed = json.loads(vakt_json(vakt, "-", cache, *extra, stdin=cat.stdout))
            cat.stdout.close()
            cat.wait()
            got = rows(streamed)
            truth = "packages-minbase.tsv" if "minbase" in name else "packages-curl.tsv"
            want = sorted(l for l in (cache / truth).read_text().splitlines() if l)
            from_file = json.loads(vakt_json(vakt, name, cache, *extra))
            for doc in (streamed, from_file):
                doc["image"].pop("ref", None)
                for f in doc.get("findings", []):
                    f.pop("file", None)
            label = f"cat {name} | vakt image {' '.join(extra)} -"
            if got != want:
                fail(f"{label}: {len(got)} packages, ground truth {len(want)}")
            elif streamed != from_file:
                fail(f"{label}: the report differs from the one of the file")
            else:
                print(f"ok: {label}: {len(got)} packages equal {truth}, report equals the file's")

    validator = ROOT / "tests" / "formats" / "validate-sbom.py"
    for fmt in ("cyclonedx", "spdx"):
        outs = []
        for _ in range(2):
            p = subprocess.run([vakt, "image", "-f", fmt, "oci:curl-slim"], cwd=cache,
                               capture_output=True, timeout=300)
            outs.append(p.stdout)
        if outs[0] != outs[1]:
            fail(f"{fmt}: the SBOM differs between two runs")
        sbom = cache / f"sbom.{fmt}.json"
        sbom.write_bytes(outs[0])
        doc = json.loads(outs[0])
        n = len(doc.get("components", doc.get("packages", [])))
        v = subprocess.run(["/usr/bin/python3", str(validator), str(sbom)], capture_output=True,
                           text=True)
        if v.returncode == 77:
            print(f"skip: {fmt} schema validation: {v.stdout.strip()}")
        elif v.returncode != 0:
            fail(f"{fmt}: schema validation: {v.stdout.strip()} {v.stderr.strip()}")
        else:
            print(f"ok: {fmt} SBOM of oci:curl-slim ({n} entries) validates and is deterministic")
    print(f"debian images: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
