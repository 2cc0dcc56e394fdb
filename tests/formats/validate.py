#!/usr/bin/python3
"""Validate vakt's machine-readable outputs.

SARIF against the official SARIF 2.1.0 schema (from ../shared/data/schemas; the test is
skipped, exit 77, when that folder is absent), vakt's JSON report against
docs/formats/report.schema.json, and JUnit XML for well-formedness and counts that agree
with the JSON report. Inputs cover findings, suppressed findings (--show-ignored) and input
errors, so every optional part of each format is exercised; `vakt image` output (an image
built from tests/inputs/image/app.image.json) adds the "image" and "packages" members.
"""
import json
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
SARIF_SCHEMA = ROOT.parent / "shared" / "data" / "schemas" / "sarif-schema-2.1.0.json"

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)

INPUTS = [
    ["examples/kubernetes"],
    ["image", "--list-packages", "@IMAGE@"],
    ["image", "--db", "@VULNDB@", "--list-packages", "@VULNIMAGE@"],
    ["--pss", "restricted:v1.37", "tests/pss/seed"],
    ["--show-ignored", "tests/formats/inputs"],
    ["--show-ignored", "examples/docker", "tests/inputs/docker"],
    ["--docker-run", "podman run --privileged -v /:/host alpine:3.20"],
]


IMAGE_SPEC = ROOT / "tests" / "inputs" / "image" / "app.image.json"
IMAGE = None  # built from IMAGE_SPEC by main()
VULN_SPEC = ROOT / "examples" / "image" / "app.image.json"  # its curl is vulnerable in:
VULN_DATA = [ROOT / "examples" / "vulndb" / "debian-tracker.json", ROOT / "examples" / "vulndb" / "nvd-cve-2.0.json"]
SUBST = {}


def run(vakt, fmt, args):
    if args and args[0] == "image":
        cmd = [vakt, "image", "-f", fmt, *[SUBST.get(a, a) for a in args[1:]]]
    else:
        cmd = [vakt, "lint", "--no-config", "-f", fmt, *args]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 1, 3):
        raise RuntimeError(f"vakt {args} exited {p.returncode}: {p.stderr}")
    return p.stdout


def main():
    global IMAGE
    import tempfile
    vakt = sys.argv[1]
    import atexit
    import shutil
    tmp = tempfile.mkdtemp(prefix="vakt-formats-")
    atexit.register(shutil.rmtree, tmp, True)
    IMAGE = tmp + "/app.oci.tar"
    subprocess.run(["/usr/bin/python3", str(ROOT / "tests/image/mkimage.py"), str(IMAGE_SPEC), IMAGE],
                   check=True)
    SUBST["@IMAGE@"] = IMAGE
    SUBST["@VULNIMAGE@"] = tmp + "/vuln.oci.tar"
    SUBST["@VULNDB@"] = tmp + "/vuln.db"
    subprocess.run(["/usr/bin/python3", str(ROOT / "tests/image/mkimage.py"), str(VULN_SPEC),
                    SUBST["@VULNIMAGE@"]], check=True)
    subprocess.run([vakt, "db", "import", "-q", "--db", SUBST["@VULNDB@"], *map(str, VULN_DATA)],
                   check=True, stdout=subprocess.DEVNULL)
    if not SARIF_SCHEMA.exists():
        print(f"SKIP: {SARIF_SCHEMA} is absent (CI has ../shared beside the checkout)")
        return 77
    sarif_schema = json.loads(SARIF_SCHEMA.read_text())
    report_schema = json.loads((ROOT / "docs" / "formats" / "report.schema.json").read_text())
    sarif_validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    report_validator = jsonschema.Draft7Validator(report_schema)
    failures = 0
    for args in INPUTS:
        sarif = json.loads(run(vakt, "sarif", args))
        errs = sorted(sarif_validator.iter_errors(sarif), key=str)
        for e in errs[:5]:
            print(f"SARIF {args}: {list(e.path)}: {e.message}")
        failures += len(errs)

        report = json.loads(run(vakt, "json", args))
        errs = sorted(report_validator.iter_errors(report), key=str)
        for e in errs[:5]:
            print(f"JSON {args}: {list(e.path)}: {e.message}")
        failures += len(errs)

        # the same findings in every format
        n_json = len(report["findings"]) + len(report.get("vulnerabilities", []))
        n_sarif = len(sarif["runs"][0]["results"])
        junit = ET.fromstring(run(vakt, "junit", args))
        n_junit = sum(1 for tc in junit.iter("testcase") if tc.find("failure") is not None or
                      tc.find("skipped") is not None)
        if not (n_json == n_sarif == n_junit):
            print(f"{args}: findings differ: json {n_json}, sarif {n_sarif}, junit {n_junit}")
            failures += 1
        if n_json == 0:
            print(f"{args}: no findings: the input does not exercise the formats")
            failures += 1
        if "@VULNDB@" in args and not report.get("vulnerabilities"):
            print(f"{args}: no vulnerabilities: the input does not exercise them")
            failures += 1
        print(f"{args}: {n_json} findings, {len(report['errors'])} errors validated")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
