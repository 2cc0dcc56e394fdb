#!/usr/bin/python3
"""Write docs/rules/<ID>.md and docs/rules/index.md from the rule table and fixtures.

The explanation comes from `vakt rules show ID -f markdown` (the table in
src/lint/rules.def); the examples are the rule's fixtures in tests/rules/<ID>/, so the
documentation shows exactly what the tests check.

usage: gen-rule-docs.py VAKT [OUTDIR]      (OUTDIR defaults to docs/rules)
"""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(vakt, *args):
    return subprocess.run([vakt, *args], capture_output=True, text=True, check=True).stdout


def examples(rule_id, kind):
    d = ROOT / "tests" / "rules" / rule_id / kind
    out = []
    for f in sorted(d.glob("*")):
        if f.suffix not in (".yaml", ".yml", ".json"):
            continue
        lang = "json" if f.suffix == ".json" else "yaml"
        out.append(f"`tests/rules/{rule_id}/{kind}/{f.name}`:\n\n```{lang}\n{f.read_text().rstrip()}\n```\n")
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
        text += "### Flagged\n\n" + ("\n".join(bad) if bad else "(none yet)\n")
        text += "\n### Not flagged\n\n" + ("\n".join(good) if good else "(none yet)\n")
        (outdir / f"{r['id']}.md").write_text(text)
    (outdir / "index.md").write_text(run(vakt, "rules", "-f", "markdown"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
