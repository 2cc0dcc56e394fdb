#!/usr/bin/python3
"""Rule fixtures: every rule has examples that must and must not trigger it.

    tests/rules/<RULE>/bad/<input>    each yields at least one finding of RULE
    tests/rules/<RULE>/good/<input>   none yields a finding of RULE

An input is one of:
  - a file vakt classifies by name: Kubernetes YAML or JSON (*.yaml, *.yml, *.json),
    a Dockerfile (Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile), a shell script
    (*.sh, *.bash), a Makefile (Makefile, *.mk), a compose file (compose*.yaml,
    docker-compose*.yml), .gitlab-ci.yml;
  - a GitHub Actions workflow, .github/workflows/*.yml under good/ or bad/ (the path is
    what makes it a workflow), each its own input;
  - an image spec, NAME.image.json (see tests/image/mkimage.py): the image is built into a
    temporary directory and checked with `vakt image`; its headers are the spec's
    "_severity" and "_max_severity" members;
  - any other subdirectory of good/ or bad/, linted as one input (vakt lint DIR): a compose
    project with its override file, .env or the Dockerfile it builds, say. The fixture's
    headers are read from every file in it.

Headers, on lines of their own in files that allow # comments:
  # args: --pss restricted:v1.22      more arguments for `vakt lint`. A relative path
                                      after --config is taken from the repository root;
                                      --config replaces the --no-config the runner passes.
  # severity: LOW                     (bad) every finding of RULE has this severity
  # max-severity: LOW                 no finding of any rule is above this severity

Fixtures are linted with `--no-config` (unless they name a --config), in an empty working
directory with HOME pointing there, so no .vakt.yaml or .hadolint.yaml of the machine
applies, and without the caller's environment variables, so compose files interpolate
${VAR:-default} the same everywhere (a compose fixture may bring its own .env). PSS rules are linted with `--pss LEVEL` (the rule's level, latest version). The
run fails when a rule of `vakt rules -f json` has no directory, or a directory lacks good
or bad inputs, or names no rule.

usage: run.py VAKT RULES_DIR
"""
import json
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SEVERITIES = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
YAML_SUFFIXES = (".yaml", ".yml", ".json")
NOT_INPUTS = {".vakt.yaml", ".vakt.yml", ".env"}
# the caller's environment reaches vakt only for locale and sanitizers
KEPT_ENV_PREFIXES = ("LC_", "ASAN_", "UBSAN_", "LSAN_", "MSAN_")


def is_input_file(f):
    """A file vakt reads by itself (by its name) when it is named on the command line."""
    n = f.name
    if n in NOT_INPUTS:
        return False
    if n.endswith(".image.json"):
        return True
    return (n.endswith(YAML_SUFFIXES) or n in ("Dockerfile", "Containerfile", "Makefile",
                                               "makefile", "GNUmakefile")
            or n.startswith(("Dockerfile.", "Containerfile.")) or n.endswith(
                (".Dockerfile", ".dockerfile", ".sh", ".bash", ".mk")))


def inputs(d):
    """The inputs of a good/ or bad/ directory, sorted: files, workflows, subdirectories."""
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.iterdir()):
        if p.is_file() and is_input_file(p):
            out.append(p)
        elif p.is_dir() and p.name == ".github":
            wf = p / "workflows"
            out += sorted(f for f in wf.glob("*") if f.is_file() and f.suffix in (".yml", ".yaml"))
        elif p.is_dir() and not p.name.startswith("."):
            out.append(p)
    return out


def files_of(path):
    """The files of an input: itself, or every file under a directory input, the compose
    file first (it says what the case is), then its override, then the rest by path."""
    if path.is_file():
        return [path]

    def rank(f):
        n = f.name
        override = ".override." in n
        compose = n.startswith(("compose", "docker-compose")) and n.endswith((".yaml", ".yml"))
        return (0 if compose and not override else 1 if compose else 2, f.as_posix())
    return sorted((f for f in path.rglob("*") if f.is_file()), key=rank)


def headers(path):
    """The header lines of an input: {"args": [...], "severity": str, "max-severity": str}."""
    h = {"args": []}
    if path.name.endswith(".image.json"):
        spec = json.loads(path.read_text())
        for key in ("severity", "max-severity"):
            if "_" + key.replace("-", "_") in spec:
                h[key] = spec["_" + key.replace("-", "_")]
        return h
    for f in files_of(path):
        try:
            text = f.read_text()
        except UnicodeDecodeError:
            continue
        for line in text.splitlines():
            if line.startswith("# args:"):
                h["args"] += shlex.split(line[len("# args:"):])
            elif line.startswith("# severity:"):
                h["severity"] = line[len("# severity:"):].strip()
            elif line.startswith("# max-severity:"):
                h["max-severity"] = line[len("# max-severity:"):].strip()
    return h


def config_args(args):
    """args with relative --config paths taken from the repository root; and whether a
    --config is named."""
    out, named, i = [], False, 0
    while i < len(args):
        a = args[i]
        if a == "--config" and i + 1 < len(args):
            out += [a, str(ROOT / args[i + 1])]
            named, i = True, i + 2
            continue
        if a.startswith("--config="):
            out.append("--config=" + str(ROOT / a[len("--config="):]))
            named = True
        else:
            out.append(a)
        i += 1
    return out, named


def lint(vakt, path, rule, workdir):
    """All findings vakt reports for the input at path, and its headers."""
    h = headers(path)
    args, named = config_args(h["args"])
    if rule.get("pss_level") and not any(a.startswith("--pss") for a in args):
        args += ["--pss", rule["pss_level"]]
    if not named:
        args.insert(0, "--no-config")
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "LANG", "TMPDIR") or k.startswith(KEPT_ENV_PREFIXES)}
    env["HOME"] = workdir
    if path.name.endswith(".image.json"):
        image = os.path.join(workdir, path.name[:-len(".image.json")] + ".img")
        subprocess.run(["/usr/bin/python3", str(ROOT / "tests/image/mkimage.py"), str(path), image],
                       check=True)
        cmd = [vakt, "image", "-f", "json", image]
    else:
        cmd = [vakt, "lint", "-f", "json", *args, str(path.resolve())]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=workdir, env=env)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{path}: vakt exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)["findings"], h


def check(vakt, path, rule, bad, workdir):
    """The failures of one fixture, as messages."""
    found, h = lint(vakt, path, rule, workdir)
    mine = [f for f in found if f["rule"] == rule["id"]]
    fails = []
    if bad and not mine:
        fails.append(f"{path}: expected a {rule['id']} finding, got none")
    if not bad and mine:
        fails.append(f"{path}: expected no {rule['id']} finding, got: {mine[0]['message']}")
    if bad and "severity" in h:
        for f in mine:
            if f["severity"] != h["severity"]:
                fails.append(f"{path}: expected {rule['id']} at {h['severity']}, got "
                             f"{f['severity']}: {f['message']}")
    if "max-severity" in h:
        top = SEVERITIES.index(h["max-severity"])
        for f in found:
            if SEVERITIES.index(f["severity"]) > top:
                fails.append(f"{path}: expected nothing above {h['max-severity']}, got "
                             f"{f['severity']} {f['rule']}: {f['message']}")
    return fails


def main():
    vakt, root = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    rules = json.loads(subprocess.run([vakt, "rules", "-f", "json"], capture_output=True,
                                      text=True, check=True).stdout)
    ids = {r["id"] for r in rules}
    failures = 0
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        if d.name not in ids:
            print(f"{d}: no rule named {d.name}")
            failures += 1
    with tempfile.TemporaryDirectory(prefix="vakt-rules-") as workdir:
        for rule in rules:
            d = root / rule["id"]
            bad, good = inputs(d / "bad"), inputs(d / "good")
            if not bad or not good:
                print(f"{rule['id']}: needs fixtures in {d}/bad and {d}/good")
                failures += 1
                continue
            for path, is_bad in [(f, True) for f in bad] + [(f, False) for f in good]:
                for msg in check(vakt, path, rule, is_bad, workdir):
                    print(msg)
                    failures += 1
    print(f"rule fixtures: {len(rules)} rules, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
