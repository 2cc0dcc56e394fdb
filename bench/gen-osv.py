#!/usr/bin/python3
"""Synthetic OSV records for the vulnerability benchmark.

    gen-osv.py OUT.json COUNT PACKAGES.tsv

Writes COUNT OSV records (a JSON array) in ecosystem Debian:12: one record in a thousand names
a source package of the real image (from the ground-truth TSV make-debian-image.sh
writes: package, version, source, source version), with ranges that put the installed
version before, inside or after the affected range, so matching does real work (with
200,000 records: 200 for the image, a few hundred findings once spread over its binaries,
the order of what scanners report for a debian:12 image); the rest name packages the
image does not have, the bulk of any real database. Deterministic.
"""
import json
import random
import sys


def main():
    out, count, tsv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(5)
    sources = sorted({(l.split("\t")[2], l.split("\t")[3]) for l in open(tsv) if l.strip()})
    recs = []
    for i in range(count):
        rid = f"SYN-{i:07d}"
        if i % 1000 == 0 and sources:
            name, ver = sources[rnd.randrange(len(sources))]
            kind = rnd.randrange(3)
            if kind == 0:      # fixed before the installed version: not affected
                events = [{"introduced": "0"}, {"fixed": "0.1-1"}]
            elif kind == 1:    # fixed after it: affected
                events = [{"introduced": "0"}, {"fixed": ver + "+fix1"}]
            else:              # no fix yet
                events = [{"introduced": "0"}]
        else:
            name = f"synthetic-pkg-{rnd.randrange(count // 3):06d}"
            events = [{"introduced": "0"}, {"fixed": f"{rnd.randrange(1, 9)}.{rnd.randrange(20)}-{rnd.randrange(1, 5)}"}]
        recs.append({
            "schema_version": "1.6.0",
            "id": rid,
            "modified": "2024-01-01T00:00:00Z",
            "published": "2024-01-01T00:00:00Z",
            "aliases": [f"CVE-2099-{i:06d}"],
            "summary": f"synthetic vulnerability {i} for the benchmark",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                          "ranges": [{"type": "ECOSYSTEM", "events": events}]}],
            "references": [{"type": "ADVISORY", "url": f"https://example.invalid/{rid}"}],
        })
    with open(out, "w") as f:
        json.dump(recs, f)


if __name__ == "__main__":
    main()
