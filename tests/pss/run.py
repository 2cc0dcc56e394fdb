#!/usr/bin/python3
"""Pod Security Standards fixtures: upstream verdicts, version by version.

Each fixture is a Kubernetes manifest whose header says what the upstream admission
controller (k8s.io/pod-security-admission/policy v0.37) decides for it:

    # pss LEVEL:VERSION pass
    # pss LEVEL:VERSION fail CHECK[, CHECK...]     every failing check, in upstream order
    # msg LEVEL:VERSION CHECK: MESSAGE              the exact message of one finding

The runner lints the file with `vakt lint --pss LEVEL:VERSION -f json` and compares the
ordered list of PSS checks reported (and the messages named). A fixture must state at
least one verdict; each directory (one per check) must hold both passing and failing
verdicts, so no check is tested only one way.

usage: run.py VAKT FIXTURE_DIR...
"""
import json
import pathlib
import re
import subprocess
import sys

LINE = re.compile(r"^#\s*(pss|msg)\s+(\S+)\s+(.*?)\s*$")


def lint(vakt, path, policy):
    p = subprocess.run([vakt, "lint", "--pss", policy, "-f", "json", "--no-inline-ignores",
                        "--no-config", str(path)],
                       capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"vakt exited {p.returncode}: {p.stderr.strip()}")
    doc = json.loads(p.stdout)
    return [(f["pss"]["check"], f["message"]) for f in doc["findings"] if "pss" in f]


def main():
    vakt = sys.argv[1]
    files = []
    for d in sys.argv[2:]:
        files += sorted(pathlib.Path(d).rglob("*.yaml"))
    if not files:
        print("no fixtures found", file=sys.stderr)
        return 1
    failures = 0
    checked = 0
    dir_verdicts = {}
    for f in files:
        expects, msgs = [], []
        for line in f.read_text().splitlines():
            m = LINE.match(line)
            if not m:
                continue
            kind, policy, rest = m.groups()
            (expects if kind == "pss" else msgs).append((policy, rest))
        if not expects:
            print(f"{f}: no '# pss LEVEL:VERSION pass|fail ...' line")
            failures += 1
            continue
        dir_verdicts.setdefault(f.parent, set()).update(r.split()[0] for _, r in expects)
        cache = {}
        for policy, rest in expects:
            got = cache.setdefault(policy, lint(vakt, f, policy))
            checks = [c for c, _ in got]
            if rest == "pass":
                want = []
            else:
                want = [c.strip() for c in rest[len("fail"):].split(",") if c.strip()]
            checked += 1
            if checks != want:
                failures += 1
                print(f"{f}: --pss {policy}: expected {want or 'pass'}, got {checks or 'pass'}")
                for c, m in got:
                    print(f"    {c}: {m}")
        for policy, rest in msgs:
            check, _, message = rest.partition(": ")
            got = cache.setdefault(policy, lint(vakt, f, policy))
            have = [m for c, m in got if c == check]
            checked += 1
            if message not in have:
                failures += 1
                print(f"{f}: --pss {policy}: {check}: expected message\n    {message}\n  got\n    "
                      + ("\n    ".join(have) or "(no finding)"))
    for d, v in sorted(dir_verdicts.items()):
        if not {"pass", "fail"} <= v:
            failures += 1
            print(f"{d}: fixtures must include both pass and fail verdicts (have {sorted(v)})")
    print(f"pss fixtures: {len(files)} files, {checked} verdicts, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
