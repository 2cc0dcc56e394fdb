#!/usr/bin/python3
"""Vulnerability matching on the real Debian images, against an exact expected set.

    debian_match.py VAKT IMAGES_DIR

The images come from ../shared/tools/make-debian-image.sh (built into IMAGES_DIR when
absent, as the image_debian test does). Vulnerability records are generated here from the
ground-truth TSV (package, version, source, source version), so they follow the installed
versions across Debian point releases: Debian tracker entries and OSV records covering

    fixed        a fix above the installed source version: reported, with that fix
    already      a fix at or below it: not reported
    unfixed      open in bookworm: reported, no fix
    not-affected fixed_version "0": not reported
    other        only for bullseye: not reported
    epoch        fixes with and without the source's epoch (a binary's own epoch, as
                 bsdutils' "1:" from util-linux, must not be used)
    tilde        "V~rc1" sorts before V (not reported), "V+1~rc1" after it (reported)
    binnmu       last_affected = the source version: a binNMU binary (+bN) is still affected
    withdrawn    an OSV record withdrawn: not reported
    alias        the same CVE from the tracker and an OSV record: reported once
    upstream     an OSV record naming its CVE as upstream, without a severity: NVD's score
                 for that CVE (an NVD 2.0 page generated here) makes it CRITICAL

and the set of (binary package, ID) vakt reports must equal the expected set exactly. Then
the CI gate: --severity HIGH,CRITICAL --exit-code 1 exits 1 with the HIGH findings, and 0
once a .vaktignore accepts each of them. Exit 77 (skip) without the images.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "image"))
import debian  # noqa: E402  (the image builder and its skip rules)


def rows(tsv):
    out = []
    for line in tsv.read_text().splitlines():
        if line.strip():
            name, ver, src, srcver = line.split("\t")
            out.append((name, ver, src, srcver))
    return out


def strip_epoch(v):
    return v.split(":", 1)[1] if ":" in v.split("-")[0] else v


def generate(pkgs, workdir):
    """Records for the sources of pkgs, and the expected (binary, id) set."""
    by_src = {}
    for name, ver, src, srcver in pkgs:
        by_src.setdefault((src, srcver), []).append((name, ver))
    sources = sorted(by_src)
    pick = {}

    def take(pred, why):
        for s in sources:
            if s not in pick.values() and pred(s):
                pick[why] = s
                return s
        raise RuntimeError(f"no source package suits the {why} case")

    take(lambda s: True, "fixed")
    take(lambda s: True, "already")
    take(lambda s: True, "unfixed")
    take(lambda s: True, "notaffected")
    take(lambda s: True, "other")
    take(lambda s: ":" in s[1], "epoch")
    take(lambda s: any(":" in v and ":" not in s[1] for _, v in by_src[s]), "binary-epoch")
    take(lambda s: True, "tilde")
    take(lambda s: any(v != s[1] and "+b" in v for _, v in by_src[s]), "binnmu")
    take(lambda s: True, "withdrawn")
    take(lambda s: True, "alias")
    take(lambda s: True, "upstream")

    tracker, osv, expect = {}, [], set()

    def trk(src, cve, releases, severity="high"):
        tracker.setdefault(src, {})[cve] = {
            "description": f"generated for {src}",
            "releases": {rel: dict(st, urgency=severity) for rel, st in releases.items()}}

    def osv_rec(rid, src, events, **extra):
        rec = {"id": rid, "modified": "2024-01-01T00:00:00Z", "summary": f"generated for {src}",
               "affected": [{"package": {"ecosystem": "Debian:12", "name": src},
                             "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}
        rec.update(extra)
        osv.append(rec)

    def expect_all(src_key, rid):
        for name, _ in by_src[src_key]:
            expect.add((name, rid))

    s = pick["fixed"]
    trk(s[0], "CVE-2099-0001", {"bookworm": {"status": "resolved", "fixed_version": s[1] + "+fix1"}})
    expect_all(s, "CVE-2099-0001")
    s = pick["already"]
    trk(s[0], "CVE-2099-0002", {"bookworm": {"status": "resolved", "fixed_version": s[1]}})
    s = pick["unfixed"]
    trk(s[0], "CVE-2099-0003", {"bookworm": {"status": "open"}}, "medium")
    expect_all(s, "CVE-2099-0003")
    s = pick["notaffected"]
    trk(s[0], "CVE-2099-0004", {"bookworm": {"status": "resolved", "fixed_version": "0"}})
    s = pick["other"]
    trk(s[0], "CVE-2099-0005", {"bullseye": {"status": "open"}})
    s = pick["epoch"]
    e, rest = s[1].split(":", 1)
    osv_rec("DEBIAN-CVE-2099-0006", s[0], [{"introduced": "0"}, {"fixed": rest + "+fix1"}])  # no epoch: lower
    osv_rec("DEBIAN-CVE-2099-0007", s[0], [{"introduced": "0"}, {"fixed": f"{e}:{rest}+fix1"}])
    expect_all(s, "DEBIAN-CVE-2099-0007")
    s = pick["binary-epoch"]
    # the binary carries an epoch the source lacks: the source version is what is compared
    osv_rec("DEBIAN-CVE-2099-0008", s[0], [{"introduced": "0"}, {"fixed": s[1] + "+fix1"}])
    expect_all(s, "DEBIAN-CVE-2099-0008")
    s = pick["tilde"]
    osv_rec("DEBIAN-CVE-2099-0009", s[0], [{"introduced": "0"}, {"fixed": s[1] + "~"}])
    osv_rec("DEBIAN-CVE-2099-0010", s[0], [{"introduced": "0"}, {"fixed": s[1] + "+1~rc1"}])
    expect_all(s, "DEBIAN-CVE-2099-0010")
    s = pick["binnmu"]
    osv_rec("DEBIAN-CVE-2099-0011", s[0], [{"introduced": "0"}, {"last_affected": s[1]}])
    expect_all(s, "DEBIAN-CVE-2099-0011")
    s = pick["withdrawn"]
    osv_rec("DEBIAN-CVE-2099-0012", s[0], [{"introduced": "0"}], withdrawn="2024-02-01T00:00:00Z")
    s = pick["alias"]
    trk(s[0], "CVE-2099-0013", {"bookworm": {"status": "open"}}, "low")
    osv_rec("DSA-9999-1", s[0], [{"introduced": "0"}], aliases=["CVE-2099-0013"])
    expect_all(s, "CVE-2099-0013")

    s = pick["upstream"]
    osv_rec("DEBIAN-CVE-2099-0014", s[0], [{"introduced": "0"}], upstream=["CVE-2099-0014"])
    expect_all(s, "DEBIAN-CVE-2099-0014")
    nvd = {"format": "NVD_CVE", "version": "2.0", "resultsPerPage": 1, "startIndex": 0, "totalResults": 1,
           "timestamp": "2024-01-01T00:00:00.000",
           "vulnerabilities": [{"cve": {"id": "CVE-2099-0014", "published": "2024-01-01T00:00:00.000",
                                        "lastModified": "2024-01-01T00:00:00.000", "vulnStatus": "Analyzed",
                                        "descriptions": [{"lang": "en", "value": "generated"}],
                                        "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
                                            "cvssData": {"version": "3.1", "baseScore": 9.8, "baseSeverity": "CRITICAL",
                                                         "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]}}}]}
    (workdir / "nvd.json").write_text(json.dumps(nvd))
    (workdir / "tracker.json").write_text(json.dumps(tracker))
    (workdir / "osv").mkdir()
    for rec in osv:
        (workdir / "osv" / (rec["id"] + ".json")).write_text(json.dumps(rec))
    return expect, pick


def run(vakt, args, cwd):
    return subprocess.run([vakt, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def main():
    vakt, cache = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    debian.build(cache)
    failures = 0
    for image, truth in (("minbase.docker.tar", "packages-minbase.tsv"),
                         ("curl-slim.docker.tar", "packages-curl.tsv")):
        with tempfile.TemporaryDirectory(prefix="vakt-vuln-") as t:
            t = pathlib.Path(t)
            expect, pick = generate(rows(cache / truth), t)
            imp = run(vakt, ["db", "import", "-q", "--db", "vuln.db", "tracker.json", "osv", "nvd.json"], t)
            if imp.returncode != 0:
                print(f"FAIL {image}: vakt db import: {imp.stderr.strip()}")
                failures += 1
                continue
            p = run(vakt, ["image", "-q", "--db", "vuln.db", "--scanners", "vuln", "-f", "json",
                           str(cache / image)], t)
            vulns = json.loads(p.stdout)["vulnerabilities"]
            got = {(v["package"], v["id"]) for v in vulns}
            up = [(v["severity"], v["severity_source"]) for v in vulns if v["id"] == "DEBIAN-CVE-2099-0014"]
            if not up or any(x != ("CRITICAL", "nvd") for x in up):
                print(f"FAIL {image}: the upstream CVE's NVD score was not used: {up}")
                failures += 1
            if got != expect:
                print(f"FAIL {image}: reported set differs from the expected one")
                for x in sorted(expect - got):
                    print(f"    missed:       {x}")
                for x in sorted(got - expect):
                    print(f"    false alarm:  {x}")
                failures += 1
            else:
                print(f"ok: {image}: {len(got)} findings equal the expected set "
                      f"({', '.join(f'{k}={v[0]}' for k, v in sorted(pick.items()))})")
            # the gate: HIGH findings (the tracker's urgency) fail it until each is ignored
            gate = ["image", "-q", "--db", "vuln.db", "--scanners", "vuln", "--severity", "HIGH,CRITICAL",
                    "--exit-code", "1", str(cache / image)]
            g1 = run(vakt, gate, t)
            high = [v for v in json.loads(run(vakt, gate[:-1] + ["-f", "json", gate[-1]], t).stdout)
                    ["vulnerabilities"]]
            (t / ".vaktignore").write_text("".join(f"{v['id']} pkg:{v['package']} exp:2099-12-31  # accepted\n"
                                                   for v in high))
            g2 = run(vakt, gate, t)
            if not high or g1.returncode != 1 or g2.returncode != 0:
                print(f"FAIL {image}: gate: {len(high)} HIGH findings, exit {g1.returncode} before "
                      f"the ignores (want 1), {g2.returncode} after (want 0): {g2.stderr.strip()}")
                failures += 1
            else:
                print(f"ok: {image}: --severity HIGH,CRITICAL --exit-code 1 exits 1 with {len(high)} "
                      f"HIGH findings and 0 once each is ignored")
    print(f"debian vulnerability matching: {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
