#!/usr/bin/python3
"""Differential test of vakt's SemVer and PEP 440 orderings against the references.

    diff_lang.py VAKT [--seed N] [--pairs N] [--scheme semver|pep440]

Generates versions (seeded, biased to the tricky parts: prereleases, dev/post/local
releases, epochs, leading zeros, long numbers, alternative spellings, 'v' prefixes,
Unicode whitespace and the letters Python's IGNORECASE folds) and pairs of them, then asks
`VAKT vercmp SCHEME -` and the reference about each:

  pep440  packaging.version.Version (Debian's python3-packaging, in this process);
  semver  node-semver (Debian's node-semver, strict mode: valid() and compare(), in one
          node process that reads JSON pairs from stdin).

Validity must agree string by string (vakt's "invalid: ..." exactly where the reference
rejects), and the order of every pair both accept must agree. Two kinds of cases are
counted apart, not as disagreements, because the reference stops short of its own
specification there and vakt follows the specification (see src/vuln/ver_semver.c):
node-semver rejects strings over 256 characters and major/minor/patch above 2^53-1, and
compares prerelease numbers of 2^53-1 and more as doubles. Those strings must still be
valid SemVer 2.0.0 for vakt, and those pairs are checked against the small
specification model in this file (semver_model_cmp). Python's limit on int() of strings
over 4300 digits is a CPython guard, not packaging's grammar; it is lifted here.

Prints the counts and the first 20 disagreements. Exit 0 when all agree, 1 on any
disagreement, 77 when a reference is missing (after running the other one).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys

from vercmp_common import Report, short, transportable, vakt_batch

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

try:
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - depends on the machine
    Version = None

NODE_PATH = "/usr/share/nodejs"
MAX_SAFE = 2**53 - 1

# ---- generators --------------------------------------------------------------------------


def num(r, big=0.12):
    """A decimal number: mostly small (so that pairs share parts), sometimes with leading
    zeros, with probability big one near 2^53 or of 17 to 45 digits."""
    k = r.random()
    if k < big / 2:
        return str(r.choice([MAX_SAFE - 1, MAX_SAFE, MAX_SAFE + 1, MAX_SAFE + 2, 2**64, 2**64 - 1,
                             10**40, 10**40 - 1, 10**40 + 1]))
    if k < big:
        d = r.randint(17, 45)
        return str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(d - 1))
    k = r.random()
    if k < 0.55:
        return str(r.randint(0, 2))
    if k < 0.8:
        return str(r.randint(0, 12))
    if k < 0.9:
        return "0" * r.randint(1, 3) + str(r.randint(0, 12))
    return str(r.randint(0, 10**9))


def mutate(r, s, alphabet):
    """One random edit: delete, insert, replace or duplicate a character."""
    if not s:
        return r.choice(alphabet)
    i = r.randrange(len(s) + 1)
    k = r.random()
    if k < 0.3 and i < len(s):
        return s[:i] + s[i + 1 :]
    if k < 0.6:
        return s[:i] + r.choice(alphabet) + s[i:]
    if k < 0.8 and i < len(s):
        return s[:i] + r.choice(alphabet) + s[i + 1 :]
    j = r.randrange(len(s) + 1)
    a, b = sorted((i, j))
    return s[:b] + s[a:b] + s[b:]


# -- SemVer

SEMVER_ALPHA = "0123456789.-+vVabcrxyzAZ=~ _\u00e9"
PRE_WORDS = ["alpha", "beta", "rc", "x", "a-b", "-", "--", "0a", "a0", "A", "Z", "z", "pre",
             "SNAPSHOT", "x-1", "1-x", "abc-def"]


def semver_ident(r):
    k = r.random()
    if k < 0.45:
        return num(r, 0.08)
    if k < 0.95:
        return r.choice(PRE_WORDS)
    return r.choice(["", "01", "00", "\u00e9", "a_b", "a b"])


def semver_version(r):
    core = [num(r, 0.03) for _ in range(3)]
    k = r.random()
    if k < 0.05:
        core = core[: r.randint(1, 2)]
    elif k < 0.08:
        core.append(num(r))
    s = ".".join(core)
    k = r.random()
    if k < 0.15:  # Go pseudo-versions: vX.Y.Z-yyyymmddhhmmss-abcdefabcdef, -pre.0.yyyy..., -0.yyyy...
        ts = "%04d%02d%02d%02d%02d%02d" % (r.randint(2018, 2025), r.randint(1, 12), r.randint(1, 28),
                                            r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
        h = "".join(r.choice("0123456789abcdef") for _ in range(12))
        s += r.choice(["-" + ts + "-" + h, "-0." + ts + "-" + h, "-pre.0." + ts + "-" + h,
                       "-rc.1.0." + ts + "-" + h])
    elif k < 0.7:
        s += "-" + ".".join(semver_ident(r) for _ in range(r.randint(1, 4)))
    if r.random() < 0.25:
        s += "+" + ".".join(r.choice(["001", "build", "exp", "sha", "5114f85", "x-y", "0", "", "Z9"])
                            for _ in range(r.randint(1, 3)))
    k = r.random()
    if k < 0.3:
        s = "v" + s
    elif k < 0.35:
        s = r.choice(["V", "=", "vv", " ", "v=", "=v"]) + s
    elif k < 0.38:
        s = s + r.choice([" ", "\r", ".", "-", "+"])
    if r.random() < 0.08:
        s = mutate(r, s, SEMVER_ALPHA)
    if r.random() < 0.01:
        s = s + "-" + "a" * r.randint(200, 400)
    return s


def semver_neighbour(r, s):
    """A version close to s: the same core with another prerelease or build, one number
    changed, a 'v' added or dropped."""
    m = re.match(r"^(v?)([0-9]+)\.([0-9]+)\.([0-9]+)(-[^+]*)?(\+.*)?$", s)
    if not m:
        return semver_version(r)
    v, a, b, c, pre, build = m.groups()
    k = r.random()
    if k < 0.35:
        idents = pre[1:].split(".") if pre else []
        if idents and r.random() < 0.5:
            idents[r.randrange(len(idents))] = semver_ident(r)
        elif r.random() < 0.5:
            idents.append(semver_ident(r))
        elif idents:
            idents.pop()
        pre = "-" + ".".join(idents) if idents else ""
    elif k < 0.55:
        build = "+" + r.choice(["1", "other", "a.b"]) if r.random() < 0.7 else ""
    elif k < 0.75:
        parts = [a, b, c]
        parts[r.randrange(3)] = num(r, 0.03)
        a, b, c = parts
    else:
        v = "" if v else "v"
    return "%s%s.%s.%s%s%s" % (v, a, b, c, pre or "", build or "")


# -- PEP 440

WS = [" ", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u200a",
      "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
      "\u200b", "\u180e", "\ufeff", "\x1b"]  # the last four are not whitespace
SEPS = ["", "", "", ".", "-", "_"]
PRE_SPELL = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "A", "B", "C", "RC", "Rc",
             "ALPHA", "Beta", "PRE", "Preview", "prev\u0130ew", "prev\u0131ew", "PREV\u0130EW"]
PRE_BAD = ["alp", "bet", "prevw", "r c", "d", "\u0130"]
POST_SPELL = ["post", "rev", "r", "POST", "Rev", "R", "po\u017ft", "PO\u017fT"]
POST_BAD = ["pst", "p", "revv"]
DEV_SPELL = ["dev", "DEV", "Dev"]
DEV_BAD = ["de", "dv", "devv"]
LOCAL_SEGS = ["abc", "ubuntu", "1", "5", "7", "01", "0", "00012", "deadbeef", "g1234",
              "K", "\u212a", "k", "\u0130", "i", "\u0131", "\u017f", "s", "S", "x\u017fy",
              "AbC", "abc0", "abc00"]
LOCAL_BAD = ["\u00e9", "", "a b", "\u212b"]
PEP_ALPHA = "0123456789.-_+!vVabcdeilnoprstwABC \u017f\u0131\u0130\u212a\u00e9"


def pick(r, good, bad, pbad=0.06):
    return r.choice(bad) if r.random() < pbad else r.choice(good)


def pep_num(r):
    return num(r) if r.random() < 0.8 else ""


def pep440_parts(r):
    """A version as parts that can be spelled many ways; see pep440_render."""
    p = {"epoch": None, "release": [num(r) for _ in range(r.choice([1, 1, 2, 2, 3, 3, 4, 6]))],
         "pre": None, "post": None, "dev": None, "local": None}
    if r.random() < 0.15:
        p["epoch"] = num(r)
    if r.random() < 0.2:
        p["release"] += ["0"] * r.randint(1, 3)
    if r.random() < 0.4:
        p["pre"] = (pick(r, PRE_SPELL, PRE_BAD), pep_num(r))
    if r.random() < 0.3:
        p["post"] = (pick(r, POST_SPELL + ["-", "-"], POST_BAD), pep_num(r))
    if r.random() < 0.3:
        p["dev"] = (pick(r, DEV_SPELL, DEV_BAD), pep_num(r))
    if r.random() < 0.25:
        p["local"] = [pick(r, LOCAL_SEGS, LOCAL_BAD, 0.03) for _ in range(r.randint(1, 4))]
    return p


def pep440_render(r, p):
    s = ""
    if r.random() < 0.1:
        s += "".join(r.choice(WS) for _ in range(r.randint(1, 2)))
    k = r.random()
    if k < 0.15:
        s += "v"
    elif k < 0.2:
        s += "V"
    elif k < 0.22:
        s += r.choice(["vv", "w", "v ", "v."])
    if p["epoch"] is not None:
        s += p["epoch"] + pick(r, ["!"], ["!!", "", "!."], 0.04)
    s += ".".join(p["release"])
    if r.random() < 0.02:
        s += r.choice([".", "..", "-", "_"])
    if p["pre"]:
        s += r.choice(SEPS) + p["pre"][0] + r.choice(SEPS) + p["pre"][1]
    if p["post"]:
        spell, n = p["post"]
        if spell == "-":
            s += "-" + (n or r.choice(["", "1"]))
        else:
            s += r.choice(SEPS) + spell + r.choice(SEPS) + n
    if p["dev"]:
        s += r.choice(SEPS) + p["dev"][0] + r.choice(SEPS) + p["dev"][1]
    if p["local"] is not None:
        s += "+" + "".join(seg + (pick(r, [".", "-", "_", "."], ["..", "+", "-."], 0.03) if i + 1 < len(p["local"]) else "")
                           for i, seg in enumerate(p["local"]))
        if r.random() < 0.03:
            s += r.choice([".", "-", "+"])
    if r.random() < 0.1:
        s += "".join(r.choice(WS) for _ in range(r.randint(1, 2)))
    if r.random() < 0.05:
        s = mutate(r, s, PEP_ALPHA)
    if r.random() < 0.005:
        s = "1." + ".".join(["0"] * r.randint(2000, 30000)) + ".1"
    return s


def pep440_neighbour(r, p):
    """Parts close to p: one part regenerated, dropped or added, or the same parts."""
    q = dict(p)
    key = r.choice(["epoch", "release", "pre", "post", "dev", "local", "same", "same"])
    fresh = pep440_parts(r)
    if key == "release":
        rel = list(p["release"])
        k = r.random()
        if k < 0.4:
            rel[r.randrange(len(rel))] = num(r)
        elif k < 0.7:
            rel.append(r.choice(["0", "0", num(r)]))
        elif len(rel) > 1:
            rel.pop()
        q["release"] = rel
    elif key == "local" and p["local"] and r.random() < 0.6:
        loc = list(p["local"])
        if r.random() < 0.5:
            loc[r.randrange(len(loc))] = pick(r, LOCAL_SEGS, LOCAL_BAD, 0.03)
        else:
            loc.append(pick(r, LOCAL_SEGS, LOCAL_BAD, 0.03))
        q["local"] = loc
    elif key != "same":
        q[key] = fresh[key] if r.random() < 0.6 else None
        if key == "release" and not q[key]:
            q[key] = ["1"]
    return q


# ---- references ----------------------------------------------------------------------------

NODE_SCRIPT = r"""
const semver = require('semver');
const rl = require('readline').createInterface({input: process.stdin, terminal: false});
rl.on('line', (line) => {
  const [a, b] = JSON.parse(line);
  const va = semver.valid(a) !== null, vb = semver.valid(b) !== null;
  let c = null;
  if (va && vb) c = semver.compare(a, b);
  process.stdout.write(JSON.stringify([va, vb, c]) + '\n');
});
"""


def find_node():
    node = "/usr/bin/node" if os.path.exists("/usr/bin/node") else shutil.which("node")
    if not node:
        return None
    env = dict(os.environ, NODE_PATH=NODE_PATH)
    ok = subprocess.run([node, "-e", "require('semver')"], env=env, capture_output=True)
    return node if ok.returncode == 0 else None


def node_results(node, pairs):
    env = dict(os.environ, NODE_PATH=NODE_PATH)
    data = "".join(json.dumps([a, b]) + "\n" for a, b in pairs)
    out = subprocess.run([node, "-e", NODE_SCRIPT], input=data.encode(), env=env,
                         capture_output=True, check=True).stdout.decode().splitlines()
    assert len(out) == len(pairs), "node answered %d of %d pairs" % (len(out), len(pairs))
    return [json.loads(x) for x in out]


SEMVER_RE = re.compile(r"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                       r"(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
                       r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
                       r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\Z", re.ASCII)


def semver_model(s):
    """(major, minor, patch, prerelease identifiers) per SemVer 2.0.0, or None."""
    m = SEMVER_RE.match(s)
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4).split(".") if m.group(4) else [])


def semver_model_cmp(a, b):
    x, y = semver_model(a), semver_model(b)
    if x[:3] != y[:3]:
        return -1 if x[:3] < y[:3] else 1
    pa, pb = x[3], y[3]
    if not pa or not pb:
        return (len(pa) == 0) - (len(pb) == 0)
    for i, j in zip(pa, pb):
        ni, nj = i.isdigit(), j.isdigit()
        if ni and nj:
            c = (int(i) > int(j)) - (int(i) < int(j))
        elif ni != nj:
            c = -1 if ni else 1
        else:
            c = (i > j) - (i < j)
        if c:
            return c
    return (len(pa) > len(pb)) - (len(pa) < len(pb))


def beyond_node(s):
    """Is s valid SemVer that node-semver cannot handle: too long, a core number above
    2^53-1, or a numeric prerelease identifier it would compare as a double?"""
    m = semver_model(s)
    if m is None:
        return False
    return (len(s) > 256 or any(n > MAX_SAFE for n in m[:3])
            or any(i.isdigit() and int(i) >= MAX_SAFE for i in m[3]))


def pep440_ref(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None


# ---- the runs -----------------------------------------------------------------------------


def clusters(r, npairs, base, near, render):
    """Pairs from clusters: a base version and a few neighbours, every pair within a
    cluster (versions that share most parts are where orderings differ), plus one pair
    across clusters each time."""
    pairs, pool = [], []
    while len(pairs) < npairs:
        p = base(r)
        group = [p] + [near(r, p) if r.random() < 0.7 else near(r, near(r, p)) for _ in range(r.randint(2, 6))]
        group = [x for x in (render(r, g) for g in group) if transportable(x)]
        pairs += [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]
        if pool and group:
            pairs.append((group[0], r.choice(pool)))
        pool += group
    return pairs[:npairs]


def run_semver(vakt, node, r, npairs):
    rep = Report("semver")
    pairs = clusters(r, npairs, semver_version, semver_neighbour, lambda r, x: x)
    strings = sorted({s for p in pairs for s in p})
    valid_lines = vakt_batch(vakt, "semver", [(s, "1.0.0") for s in strings])
    vvalid = {s: not line.startswith("invalid") for s, line in zip(strings, valid_lines)}
    ref = node_results(node, [(s, "1.0.0") for s in strings])
    nvalid = {s: x[0] for s, x in zip(strings, ref)}
    rep.count("strings", len(strings))
    for s in strings:
        if vvalid[s] == nvalid[s]:
            rep.count("valid" if vvalid[s] else "invalid")
        elif vvalid[s] and not nvalid[s] and beyond_node(s):
            rep.count("valid beyond node-semver's limits")
        else:
            rep.disagree("validity of %s: vakt %s, node-semver %s" % (
                short(s), "valid" if vvalid[s] else "invalid", "valid" if nvalid[s] else "invalid"))
        if vvalid[s] != (semver_model(s) is not None):
            rep.disagree("validity of %s: vakt %s, the SemVer grammar says %s" % (
                short(s), vvalid[s], semver_model(s) is not None))
    both = [(a, b) for a, b in pairs if vvalid[a] and vvalid[b]]
    got = vakt_batch(vakt, "semver", both)
    want = node_results(node, both)
    for (a, b), g, w in zip(both, got, want):
        if beyond_node(a) or beyond_node(b):
            m = semver_model_cmp(a, b)
            rep.count("pairs beyond node-semver's limits (checked against the spec model)")
            if g != str(m):
                rep.disagree("%s vs %s: vakt %s, spec model %d" % (short(a), short(b), g, m))
            continue
        if w[2] is None:
            continue  # invalid for node: already reported above
        rep.count("pairs compared")
        if g != str(w[2]):
            rep.disagree("%s vs %s: vakt %s, node-semver %d" % (short(a), short(b), g, w[2]))
    return rep


def run_pep440(vakt, r, npairs):
    rep = Report("pep440")
    pairs = clusters(r, npairs, pep440_parts, pep440_neighbour, pep440_render)
    strings = sorted({s for p in pairs for s in p})
    lines = vakt_batch(vakt, "pep440", [(s, "1") for s in strings])
    vvalid = {s: not line.startswith("invalid") for s, line in zip(strings, lines)}
    parsed = {s: pep440_ref(s) for s in strings}
    rep.count("strings", len(strings))
    for s in strings:
        pv = parsed[s] is not None
        if vvalid[s] == pv:
            rep.count("valid" if pv else "invalid")
        else:
            rep.disagree("validity of %s: vakt %s, packaging %s" % (
                short(s), "valid" if vvalid[s] else "invalid", "valid" if pv else "invalid"))
    both = [(a, b) for a, b in pairs if parsed[a] is not None and parsed[b] is not None
            and vvalid[a] and vvalid[b]]
    got = vakt_batch(vakt, "pep440", both)
    for (a, b), g in zip(both, got):
        x, y = parsed[a], parsed[b]
        w = (x > y) - (x < y)
        rep.count("pairs compared")
        rep.count("equal pairs" if w == 0 else "ordered pairs")
        if g != str(w):
            rep.disagree("%s vs %s: vakt %s, packaging %d" % (short(a), short(b), g, w))
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vakt")
    ap.add_argument("--seed", type=int, default=440)
    ap.add_argument("--pairs", type=int, default=50000)
    ap.add_argument("--scheme", choices=["semver", "pep440"])
    args = ap.parse_args()
    missing = []
    failed = False
    if args.scheme in (None, "pep440"):
        if Version is None:
            missing.append("python3-packaging (packaging.version) for %s" % sys.executable)
        else:
            rep = run_pep440(args.vakt, random.Random(args.seed), args.pairs)
            rep.show()
            failed |= "disagreements" in rep.counts
    if args.scheme in (None, "semver"):
        node = find_node()
        if node is None:
            missing.append("node with node-semver in %s" % NODE_PATH)
        else:
            rep = run_semver(args.vakt, node, random.Random(args.seed + 1), args.pairs)
            rep.show()
            failed |= "disagreements" in rep.counts
    if failed:
        return 1
    if missing:
        print("SKIP: missing reference: " + "; ".join(missing))
        return 77
    print("all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
