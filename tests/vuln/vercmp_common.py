"""vercmp_common.py - pieces diff_lang.py and diff_pkg.py share: feeding `vakt vercmp
SCHEME -` a batch of pairs, and tallying the disagreements with a reference."""

import subprocess
import sys


def vakt_batch(vakt, scheme, pairs):
    """vakt's answer line for each (a, b) pair, in order, from one `vakt vercmp SCHEME -`."""
    data = b"".join(a.encode() + b"\t" + b.encode() + b"\n" for a, b in pairs)
    p = subprocess.run([vakt, "vercmp", scheme, "-"], input=data, capture_output=True)
    if p.returncode != 0:
        sys.exit("vakt vercmp %s - failed (exit %d): %s" % (scheme, p.returncode,
                                                           p.stderr.decode(errors="replace")))
    out = p.stdout.split(b"\n")
    assert out[-1] == b"", "output does not end with a newline"
    out = [x.decode(errors="replace") for x in out[:-1]]
    assert len(out) == len(pairs), "vakt answered %d of %d pairs" % (len(out), len(pairs))
    return out


def transportable(s):
    """True when s survives the tab-separated, line-based batch protocol."""
    return "\n" not in s and "\t" not in s and "\x00" not in s


class Report:
    def __init__(self, scheme):
        self.scheme = scheme
        self.counts = {}
        self.bad = []

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def disagree(self, text):
        self.count("disagreements")
        if len(self.bad) < 20:
            self.bad.append(text)

    def show(self):
        print("%s: %s" % (self.scheme, ", ".join("%s %d" % kv for kv in self.counts.items())))
        for b in self.bad:
            print("  " + b)


def short(s):
    r = repr(s)
    return r if len(r) < 90 else r[:80] + "...'(%d chars)" % len(s)
