#!/usr/bin/python3
"""Rule fixtures: every rule has examples that must and must not trigger it.

    tests/rules/<RULE>/bad/*.yaml    each yields at least one finding of RULE
    tests/rules/<RULE>/good/*.yaml   none yields a finding of RULE

PSS rules are linted with `--pss LEVEL` (the rule's level, latest version). A fixture may
add arguments with a header line `# args: --pss restricted:v1.22`. The run fails when a
rule of `vakt rules -f json` has no directory, or a directory lacks good or bad files,
or names no rule.

usage: run.py VAKT RULES_DIR
"""
import json
import pathlib
import shlex
import subprocess
import sys


def findings(vakt, path, rule):
    args = []
    for line in path.read_text().splitlines():
        if line.startswith("# args:"):
            args += shlex.split(line[len("# args:"):])
    if rule.get("pss_level") and not any(a.startswith("--pss") for a in args):
        args += ["--pss", rule["pss_level"]]
    p = subprocess.run([vakt, "lint", "-f", "json", "--no-config", *args, str(path)],
                       capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{path}: vakt exited {p.returncode}: {p.stderr.strip()}")
    return [f for f in json.loads(p.stdout)["findings"] if f["rule"] == rule["id"]]


def main():
    vakt, root = sys.argv[1], pathlib.Path(sys.argv[2])
    rules = json.loads(subprocess.run([vakt, "rules", "-f", "json"], capture_output=True,
                                      text=True, check=True).stdout)
    ids = {r["id"] for r in rules}
    failures = 0
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        if d.name not in ids:
            print(f"{d}: no rule named {d.name}")
            failures += 1
    for rule in rules:
        d = root / rule["id"]
        bad = sorted((d / "bad").glob("*.y*ml")) + sorted((d / "bad").glob("*.json"))
        good = sorted((d / "good").glob("*.y*ml")) + sorted((d / "good").glob("*.json"))
        if not bad or not good:
            print(f"{rule['id']}: needs fixtures in {d}/bad and {d}/good")
            failures += 1
            continue
        for f in bad:
            if not findings(vakt, f, rule):
                print(f"{f}: expected a {rule['id']} finding, got none")
                failures += 1
        for f in good:
            got = findings(vakt, f, rule)
            if got:
                print(f"{f}: expected no {rule['id']} finding, got: {got[0]['message']}")
                failures += 1
    print(f"rule fixtures: {len(rules)} rules, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
