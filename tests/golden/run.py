#!/usr/bin/python3
"""Golden tests: run the real vakt binary and compare stdout, stderr and the exit code.

A case is a directory holding:
    cmd       the arguments after `vakt`, shell-quoted, on one line (run from the repo root)
    stdin     optional: fed to standard input
    cwd       optional: the directory to run in, relative to the repo root
    images    optional: lines "SPEC NAME": build each image spec (relative to the repo
              root) with tests/image/mkimage.py as NAME in a temporary directory, and run
              there (cwd is then ignored), so the image's path in the output is just NAME
    stdin-image  optional: the NAME of one of those images, fed to standard input
    files     optional (with images): lines "SRC DEST": copy the repo file SRC into that
              directory as DEST (a .vaktignore, a .vakt.yaml)
    vulndb    optional (with images): paths (relative to the repo root, one per line)
              imported with `vakt db import -q --db vuln.db` in that directory first
    stdout    expected standard output
    stderr    expected standard error
    exit      expected exit code
`@VAKT@` in expected output stands for nothing machine-specific: outputs must not depend
on the machine, so there is no substitution; only the path of the binary is normalised
away by running it as `vakt` from PATH.

usage: run.py VAKT CASEDIR...        compare
       run.py --update VAKT CASEDIR...  rewrite the expected files from the actual run
"""
import os
import pathlib
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def build_images(case, tmp):
    for line in (case / "images").read_text().splitlines():
        if line.strip():
            spec, name = line.split()
            subprocess.run(["/usr/bin/python3", str(ROOT / "tests/image/mkimage.py"), str(ROOT / spec),
                            os.path.join(tmp, name)], check=True)


def run_case(vakt, case, home):
    args = shlex.split((case / "cmd").read_text())
    stdin = (case / "stdin").read_bytes() if (case / "stdin").exists() else b""
    cwd = ROOT / (case / "cwd").read_text().strip() if (case / "cwd").exists() else ROOT
    if (case / "images").exists():
        import tempfile
        cwd = tempfile.mkdtemp(prefix="vakt-golden-images-")
        build_images(case, cwd)
        if (case / "files").exists():
            import shutil
            for l in (case / "files").read_text().splitlines():
                if l.strip():
                    src, dest = l.split()
                    shutil.copy(ROOT / src, os.path.join(cwd, dest))
        if (case / "vulndb").exists():
            paths = [str(ROOT / l.strip()) for l in (case / "vulndb").read_text().splitlines() if l.strip()]
            subprocess.run([vakt, "db", "import", "-q", "--db", os.path.join(cwd, "vuln.db"), *paths],
                           check=True, stdout=subprocess.DEVNULL)
        if (case / "stdin-image").exists():
            stdin = pathlib.Path(cwd, (case / "stdin-image").read_text().strip()).read_bytes()
    # the caller's own configuration (~/.hadolint.yaml, $XDG_CONFIG_HOME) stays out
    env = dict(os.environ, NO_COLOR="1", LC_ALL="C", HOME=home)
    env.pop("XDG_CONFIG_HOME", None)
    env["PATH"] = str(pathlib.Path(vakt).resolve().parent) + os.pathsep + env.get("PATH", "")
    try:
        p = subprocess.run(["vakt", *args], input=stdin, capture_output=True, cwd=cwd, env=env,
                           timeout=120)
    finally:
        if (case / "images").exists():
            import shutil
            shutil.rmtree(cwd, ignore_errors=True)
    return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode


def main():
    argv = sys.argv[1:]
    update = argv and argv[0] == "--update"
    if update:
        argv = argv[1:]
    vakt = str(pathlib.Path(argv[0]).resolve())
    cases = [pathlib.Path(c).resolve() for c in argv[1:]]
    import shutil
    import tempfile
    home = tempfile.mkdtemp(prefix="vakt-golden-home-")
    try:
        return run_cases(vakt, cases, home, update)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run_cases(vakt, cases, home, update):
    failed = 0
    for case in cases:
        out, err, code = run_case(vakt, case, home)
        if update:
            (case / "stdout").write_text(out)
            (case / "stderr").write_text(err)
            (case / "exit").write_text(f"{code}\n")
            print(f"updated {case}")
            continue
        want_out = (case / "stdout").read_text()
        want_err = (case / "stderr").read_text()
        want_code = int((case / "exit").read_text())
        ok = True
        for name, got, want in (("stdout", out, want_out), ("stderr", err, want_err)):
            if got != want:
                ok = False
                print(f"{case}: {name} differs")
                import difflib
                sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                           f"expected/{name}", f"actual/{name}"))
        if code != want_code:
            ok = False
            print(f"{case}: exit code {code}, expected {want_code}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
