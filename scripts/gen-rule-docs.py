#!/usr/bin/python3
"""Write docs/rules/<ID>.md and docs/rules/index.md from the rule table and fixtures.

The explanation comes from `vakt rules show ID -f markdown` (the table in
src/lint/rules.def); the examples are the rule's fixtures in tests/rules/<ID>/ (the inputs
tests/rules/run.py lints, every file of a directory input), each under its path and in a
code fence of its language, so the documentation shows exactly what the tests check. A
configuration file that fixtures name with `# args: --config FILE` is shown once, first.

usage: gen-rule-docs.py VAKT [OUTDIR]      (OUTDIR defaults to docs/rules)
"""
import importlib.util
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# The fixture runner decides what an input is; the documentation shows the same inputs.
_spec = importlib.util.spec_from_file_location("rule_fixtures", ROOT / "tests" / "rules" / "run.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def run(vakt, *args):
    return subprocess.run([vakt, *args], capture_output=True, text=True, check=True).stdout


def lang(f):
    """The code fence language of a fixture file."""
    n = f.name
    if n in ("Dockerfile", "Containerfile") or n.startswith(("Dockerfile.", "Containerfile.")) \
            or n.endswith((".Dockerfile", ".dockerfile")):
        return "dockerfile"
    if n.endswith((".sh", ".bash")):
        return "sh"
    if n in ("Makefile", "makefile", "GNUmakefile") or n.endswith(".mk"):
        return "makefile"
    if n.endswith(".json"):
        return "json"
    if n.endswith((".yaml", ".yml")):
        return "yaml"
    return "text"


def block(f):
    """A file shown with its path from the repository root."""
    rel = f.relative_to(ROOT).as_posix()
    return f"`{rel}`:\n\n```{lang(f)}\n{f.read_text().rstrip()}\n```\n"


def examples(rule_id, kind):
    d = ROOT / "tests" / "rules" / rule_id / kind
    return [block(f) for i in fixtures.inputs(d) for f in fixtures.files_of(i)]


def configs(rule_id):
    """The configuration files the rule's fixtures name with --config, in order."""
    out = []
    for kind in ("bad", "good"):
        for i in fixtures.inputs(ROOT / "tests" / "rules" / rule_id / kind):
            args = fixtures.headers(i)["args"]
            for k, a in enumerate(args):
                path = args[k + 1] if a == "--config" and k + 1 < len(args) else \
                    a[len("--config="):] if a.startswith("--config=") else None
                if path and (ROOT / path) not in out:
                    out.append(ROOT / path)
    return out


def main():
    vakt = sys.argv[1]
    outdir = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "rules"
    outdir.mkdir(parents=True, exist_ok=True)
    rules = json.loads(run(vakt, "rules", "-f", "json"))
    for r in rules:
        text = run(vakt, "rules", "show", r["id"], "-f", "markdown")
        bad, good = examples(r["id"], "bad"), examples(r["id"], "good")
        text += "\n## Examples\n\n"
        if r.get("pss_level"):
            text += f"Checked with `vakt lint --pss {r['pss_level']}` unless the example says otherwise.\n\n"
        for c in configs(r["id"]):
            text += "Examples that pass `--config` read this configuration:\n\n" + block(c) + "\n"
        text += "### Flagged\n\n" + ("\n".join(bad) if bad else "(none yet)\n")
        text += "\n### Not flagged\n\n" + ("\n".join(good) if good else "(none yet)\n")
        (outdir / f"{r['id']}.md").write_text(text)
    (outdir / "index.md").write_text(run(vakt, "rules", "-f", "markdown"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
