#!/usr/bin/python3
"""Differential test of vakt's dpkg and rpm orderings against the package managers.

    diff_pkg.py VAKT [--seed N] [--pairs N] [--scheme dpkg|rpm] [--dpkg-pairs N]
                     [--rpmspec-strings N]

Generates versions (seeded, biased to the tricky parts: ~ ^ . + - _ :, numbers with
leading zeros and of 20 to 60 digits, letters, epochs, empty and repeated separators, and
a few characters the formats refuse) in clusters of near neighbours, pairs them, and asks
`VAKT vercmp SCHEME -` and the reference about each.

  dpkg  Validity: every distinct string goes through `dpkg --compare-versions -- S eq S`;
        vakt must refuse exactly what dpkg refuses (exit 2) or warns about (dpkg refuses
        those too when building or installing). Order: every pair of strings valid for
        dpkg (without the quirks apt does not share: blanks around the version, a sign in
        the epoch) against python3-apt's apt_pkg.version_compare, and --dpkg-pairs of
        them, quirks included, against `dpkg --compare-versions` itself (lt, then eq).
  rpm   Order: every pair vakt accepts against python3-rpm's rpm.ver() comparison
        (rpmverParse + rpmverCmp, what rpm.labelCompare does on the split EVR; both are
        asked and must agree). rpm compares any non-empty string, so validity is
        vakt's rule (what rpmbuild lets into a package): checked against a model of it
        here for every string, and against `rpmspec -q` on --rpmspec-strings of them.

Prints the counts and the first 20 disagreements of each scheme. Exit 0 when all agree,
1 on any disagreement, 77 when a reference is missing (after running the other one).
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

from vercmp_common import Report, short, transportable, vakt_batch

try:
    import apt_pkg

    apt_pkg.init_system()
except ImportError:  # pragma: no cover - depends on the machine
    apt_pkg = None

try:
    import rpm
except ImportError:  # pragma: no cover - depends on the machine
    rpm = None

# ---- generators --------------------------------------------------------------------------


def num(r):
    """A decimal number: mostly small (so that pairs share parts), sometimes with leading
    zeros, sometimes of 20 to 60 digits (beyond any machine integer)."""
    k = r.random()
    if k < 0.04:
        d = r.randint(20, 60)
        return str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(d - 1))
    if k < 0.07:
        return r.choice(["2147483647", "2147483648", "4294967295", "4294967296",
                         "18446744073709551615", "18446744073709551616"])
    if k < 0.55:
        return str(r.randint(0, 2))
    if k < 0.8:
        return str(r.randint(0, 12))
    if k < 0.9:
        return "0" * r.randint(1, 3) + str(r.randint(0, 12))
    return str(r.randint(0, 10**6))


def word(r):
    return r.choice(["a", "b", "z", "A", "Z", "rc", "beta", "alpha", "git", "dfsg", "deb",
                     "ubuntu", "el", "fc", "p", "pre", "svn", "x", "aa", "B"])


def mutate(r, s, alphabet):
    """One random edit: delete, insert, replace or duplicate a character."""
    if not s:
        return r.choice(alphabet)
    i = r.randrange(len(s) + 1)
    k = r.random()
    if k < 0.3 and i < len(s):
        return s[:i] + s[i + 1:]
    if k < 0.6:
        return s[:i] + r.choice(alphabet) + s[i:]
    if k < 0.85 and i < len(s):
        return s[:i] + r.choice(alphabet) + s[i + 1:]
    return s[:i] + s[i:i + 2] + s[i:]


def dotted(r, seps, maxparts=5):
    """digits and words joined by separators, the way real versions look."""
    out = [num(r)]
    for _ in range(r.randint(0, maxparts)):
        k = r.random()
        if k < 0.45:
            out.append(r.choice(seps) + num(r))
        elif k < 0.7:
            out.append(r.choice(seps) + word(r) + (num(r) if r.random() < 0.6 else ""))
        elif k < 0.85:
            out.append(word(r) + (num(r) if r.random() < 0.5 else ""))
        else:
            out.append(r.choice(seps) * r.randint(1, 3))
    return "".join(out)


DPKG_SEPS = [".", ".", ".", "+", "~", "~", ":", "-"]
DPKG_REV_SEPS = [".", ".", "+", "~", "~"]
DPKG_ALPHABET = "0123456789.+~:-abzAZ" + "~.-:0"
DPKG_BAD = ["@", "_", " ", "é", "\x7f", "!", ",", "/", "\x80", "\x01"]


def dpkg_version(r):
    epoch = ""
    k = r.random()
    if k < 0.25:
        epoch = r.choice(["0", "1", "2", "00", "01", "10", num(r)]) + ":"
    elif k < 0.27:
        epoch = r.choice(["+1", "-0", "-1", "", "a", " 1", "2147483648", "1a"]) + ":"
    up = dotted(r, DPKG_SEPS)
    if r.random() < 0.03:
        up = word(r) + up  # does not start with a digit: a warning
    rev = ""
    if r.random() < 0.6:
        rev = "-" + dotted(r, DPKG_REV_SEPS, 3)
    elif "-" in up:
        rev = "-" + num(r)
    s = epoch + up + rev
    if r.random() < 0.03:
        s = mutate(r, s, DPKG_BAD)
    if r.random() < 0.02:
        s = r.choice([" ", "\t", "  "]) + s + r.choice(["", " "])
    return s


def dpkg_neighbour(r, s):
    k = r.random()
    if k < 0.2:
        return re.sub(r"\d+", lambda m: str(int(m.group()) + r.choice([-1, 0, 1]) if int(m.group()) else 1)
                      if r.random() < 0.5 else "0" + m.group(), s, count=1)
    if k < 0.35:
        return s + r.choice(["~", "~rc1", "~~", ".0", "+b1", "a", "-0", "-1", "+", ".", "~0"])
    if k < 0.45:
        return r.choice(["0:", "1:", "00:"]) + s if ":" not in s else s.split(":", 1)[1]
    if k < 0.55 and "-" in s:
        return s.rsplit("-", 1)[0]
    if k < 0.65:
        return s.replace(r.choice(["~", ".", "+"]), r.choice(["~", ".", "+", ""]), 1)
    return mutate(r, s, DPKG_ALPHABET)


RPM_SEPS = [".", ".", ".", "_", "+", "~", "~", "^", "^"]
RPM_ALPHABET = "0123456789._+~^abzAZ" + "~^.0"
RPM_BAD = ["-", ":", "..", "%", "{", "#", "@", "é", "/", "!", "\x7f"]


def rpm_version(r):
    epoch = ""
    k = r.random()
    if k < 0.25:
        epoch = r.choice(["0", "1", "2", "00", "01", "10", num(r)]) + ":"
    elif k < 0.27:
        epoch = r.choice(["", "a", "+1", "-1", "1a"]) + ":"
    ver = dotted(r, RPM_SEPS)
    if r.random() < 0.05:
        ver = word(r) + ver  # rpm allows a leading letter
    rel = ""
    if r.random() < 0.6:
        rel = "-" + dotted(r, RPM_SEPS, 3)
        if r.random() < 0.3:
            rel += "." + r.choice(["el8", "el9_2", "fc39", "mga9", "lp155", "git20240101"])
    s = epoch + ver + rel
    if r.random() < 0.04:
        s = mutate(r, s, RPM_BAD)
    return s


def rpm_neighbour(r, s):
    k = r.random()
    if k < 0.2:
        return re.sub(r"\d+", lambda m: str(int(m.group()) + r.choice([-1, 0, 1]) if int(m.group()) else 1)
                      if r.random() < 0.5 else "0" + m.group(), s, count=1)
    if k < 0.35:
        return s + r.choice(["~", "~rc1", "^", "^git1", "~~", ".0", "_1", "a", "+", ".", "^~", "~^"])
    if k < 0.45:
        return r.choice(["0:", "1:", "00:"]) + s if ":" not in s else s.split(":", 1)[1]
    if k < 0.55 and "-" in s:
        return s.rsplit("-", 1)[0]
    if k < 0.65:
        return s.replace(r.choice(["~", ".", "^", "_"]), r.choice(["~", ".", "^", "_", "+", ""]), 1)
    return mutate(r, s, RPM_ALPHABET)


def clusters(r, npairs, base, near):
    """Pairs from clusters: a base version and a few neighbours, every pair within a
    cluster (versions that share most parts are where orderings differ), plus one pair
    across clusters each time."""
    pairs, pool = [], []
    while len(pairs) < npairs:
        p = base(r)
        group = [p]
        for _ in range(r.randint(2, 6)):
            group.append(near(r, r.choice(group)))
        group = [x for x in dict.fromkeys(group) if x and transportable(x)]  # dpkg takes "" as "no version"
        pairs += [(a, b) for i, a in enumerate(group) for b in group[i + 1:]]
        if pool and group:
            pairs.append((group[0], r.choice(pool)))
        pool += group
    return pairs[:npairs]


# ---- vakt ---------------------------------------------------------------------------------


def vakt_validity(vakt, scheme, strings, other):
    """{string: None if valid, else vakt's message}, comparing each with a valid other."""
    lines = vakt_batch(vakt, scheme, [(s, other) for s in strings])
    return {s: (line[len("invalid: "):] if line.startswith("invalid: ") else None)
            for s, line in zip(strings, lines)}


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2) * 2) as ex:
        return list(ex.map(fn, items))


# ---- dpkg ---------------------------------------------------------------------------------


def dpkg_run(a, rel, b):
    p = subprocess.run(["dpkg", "--compare-versions", "--", a, rel, b], capture_output=True)
    return p.returncode, p.stderr.decode(errors="replace")


def dpkg_validity(s):
    """'error', 'warning' or 'ok', as dpkg --compare-versions sees s."""
    rc, err = dpkg_run(s, "eq", s)
    if rc == 2 or "error" in err:
        return "error"
    if "warning" in err:
        return "warning"
    assert rc == 0, "dpkg says %r is not equal to itself" % s
    return "ok"


def dpkg_order(pair):
    a, b = pair
    rc, _ = dpkg_run(a, "lt", b)
    if rc == 0:
        return -1
    rc2, _ = dpkg_run(a, "eq", b)
    assert rc in (0, 1) and rc2 in (0, 1)
    return 0 if rc2 == 0 else 1


def apt_safe(s):
    """Versions apt parses as dpkg does: no blanks around, an epoch of digits only."""
    if s != s.strip(" \t"):
        return False
    m = re.match(r"([^:]*):", s)
    return m is None or m.group(1).isdigit()


def run_dpkg(vakt, r, npairs, ndpkg_pairs):
    rep = Report("dpkg")
    pairs = clusters(r, npairs, dpkg_version, dpkg_neighbour)
    strings = sorted({s for p in pairs for s in p})
    vv = vakt_validity(vakt, "dpkg", strings, "0")
    dv = dict(zip(strings, parallel(dpkg_validity, strings)))
    rep.count("strings", len(strings))
    for s in strings:
        ok_dpkg = dv[s] == "ok"
        rep.count("dpkg " + {"ok": "valid", "error": "refused", "warning": "warned"}[dv[s]])
        if (vv[s] is None) != ok_dpkg:
            rep.disagree("validity of %s: vakt %s, dpkg %s" % (
                short(s), "valid" if vv[s] is None else "invalid (%s)" % vv[s], dv[s]))
    valid = [(a, b) for a, b in pairs if dv[a] == "ok" and dv[b] == "ok"
             and vv[a] is None and vv[b] is None]
    got = dict(zip(valid, vakt_batch(vakt, "dpkg", valid)))
    # every valid pair against apt
    for a, b in valid:
        if not (apt_safe(a) and apt_safe(b)):
            continue
        w = apt_pkg.version_compare(a, b)
        w = (w > 0) - (w < 0)
        rep.count("pairs compared with apt")
        rep.count("equal pairs" if w == 0 else "ordered pairs")
        if got[(a, b)] != str(w):
            rep.disagree("%s vs %s: vakt %s, apt %d" % (short(a), short(b), got[(a, b)], w))
    # a sample against dpkg itself, the quirky strings first
    quirky = [p for p in valid if not (apt_safe(p[0]) and apt_safe(p[1]))]
    plain = [p for p in valid if p not in set(quirky)]
    sample = quirky[:ndpkg_pairs] + r.sample(plain, min(len(plain), max(0, ndpkg_pairs - len(quirky))))
    for (a, b), w in zip(sample, parallel(dpkg_order, sample)):
        rep.count("pairs compared with dpkg")
        if not (apt_safe(a) and apt_safe(b)):
            rep.count("of them with blanks around or a signed epoch")
        if got[(a, b)] != str(w):
            rep.disagree("%s vs %s: vakt %s, dpkg %d" % (short(a), short(b), got[(a, b)], w))
    return rep


# ---- rpm ----------------------------------------------------------------------------------


def rpm_split(s):
    """parseEVR(): (epoch or None, version, release or None), the epoch as written."""
    m = re.match(r"(\d*):", s)
    epoch, rest = (m.group(1), s[m.end():]) if m else (None, s)
    if "-" in rest:
        v, rel = rest.rsplit("-", 1)
        return epoch, v, rel
    return epoch, rest, None


RPM_FIELD = re.compile(r"[A-Za-z0-9._+~^]+\Z")


def rpm_model_valid(s):
    """What vakt_rpm_check accepts, written again from rpmbuild's rules."""
    e, v, rel = rpm_split(s)
    if e is not None and (e == "" or int(e) > 4294967295):
        return False
    for f in (v, rel):
        if f is None:
            continue
        if not RPM_FIELD.match(f) or ".." in f:
            return False
    return True


def rpmspec_valid(args):
    """Does rpmbuild (rpmspec -q) accept s as Epoch/Version/Release?"""
    s, tmp = args
    e, v, rel = rpm_split(s)
    spec = os.path.join(tmp, "t%d.spec" % (abs(hash(s)) % 10**12))
    with open(spec, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("Name: t\n")
        if e is not None:
            f.write("Epoch: %s\n" % e)
        f.write("Version: %s\nRelease: %s\nSummary: t\nLicense: x\n%%description\nt\n" % (
            v, rel if rel is not None else "1"))
    p = subprocess.run(["rpmspec", "-q", "--qf", "%{evr}\n", spec], capture_output=True)
    os.unlink(spec)
    return p.returncode == 0 and b"warning" not in p.stderr


def rpm_ref(a, b):
    x, y = rpm.ver(a), rpm.ver(b)
    w = (x > y) - (x < y)
    ea, va, ra = rpm_split(a)
    eb, vb, rb = rpm_split(b)
    # rpmverParse reads an empty epoch as "0"
    l = rpm.labelCompare((ea or (None if ea is None else "0"), va, ra),
                         (eb or (None if eb is None else "0"), vb, rb))
    return w, l


def run_rpm(vakt, r, npairs, nspec):
    rep = Report("rpm")
    pairs = clusters(r, npairs, rpm_version, rpm_neighbour)
    strings = sorted({s for p in pairs for s in p})
    vv = vakt_validity(vakt, "rpm", strings, "0")
    rep.count("strings", len(strings))
    for s in strings:
        m = rpm_model_valid(s)
        rep.count("valid" if m else "invalid")
        if (vv[s] is None) != m:
            rep.disagree("validity of %s: vakt %s, rpmbuild model %s" % (
                short(s), "valid" if vv[s] is None else "invalid (%s)" % vv[s], m))
    if shutil.which("rpmspec"):
        spec_strings = [s for s in strings if s == s.strip() and "%" not in s and "#" not in s]
        spec_strings = r.sample(spec_strings, min(nspec, len(spec_strings)))
        with tempfile.TemporaryDirectory() as tmp:
            res = parallel(rpmspec_valid, [(s, tmp) for s in spec_strings])
        for s, ok in zip(spec_strings, res):
            rep.count("strings rpmspec accepts" if ok else "strings rpmspec refuses")
            if (vv[s] is None) != ok:
                rep.disagree("validity of %s: vakt %s, rpmspec %s" % (
                    short(s), "valid" if vv[s] is None else "invalid (%s)" % vv[s],
                    "accepts" if ok else "refuses"))
    valid = [(a, b) for a, b in pairs if vv[a] is None and vv[b] is None]
    for (a, b), g in zip(valid, vakt_batch(vakt, "rpm", valid)):
        w, l = rpm_ref(a, b)
        if w != l:
            rep.disagree("%s vs %s: rpm.ver says %d, rpm.labelCompare %d (the split here is "
                         "wrong)" % (short(a), short(b), w, l))
        rep.count("pairs compared")
        rep.count("equal pairs" if w == 0 else "ordered pairs")
        if g != str(w):
            rep.disagree("%s vs %s: vakt %s, rpm %d" % (short(a), short(b), g, w))
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("vakt")
    ap.add_argument("--seed", type=int, default=1993)
    ap.add_argument("--pairs", type=int, default=20000)
    ap.add_argument("--dpkg-pairs", type=int, default=1000)
    ap.add_argument("--rpmspec-strings", type=int, default=400)
    ap.add_argument("--scheme", choices=["dpkg", "rpm"])
    args = ap.parse_args()
    missing = []
    failed = False
    if args.scheme in (None, "dpkg"):
        if apt_pkg is None or not shutil.which("dpkg"):
            missing.append("python3-apt (apt_pkg) for %s, and dpkg" % sys.executable)
        else:
            rep = run_dpkg(args.vakt, random.Random(args.seed), args.pairs, args.dpkg_pairs)
            rep.show()
            failed |= "disagreements" in rep.counts
    if args.scheme in (None, "rpm"):
        if rpm is None:
            missing.append("python3-rpm (rpm) for %s" % sys.executable)
        else:
            rep = run_rpm(args.vakt, random.Random(args.seed + 1), args.pairs,
                          args.rpmspec_strings)
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
