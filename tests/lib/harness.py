"""What the tests that start real containers share (tests/run/*.py, tests/oci/*.py): the
check counter, the reasons to skip, and a busybox root filesystem.

Each script puts tests/lib on sys.path and imports this module.
"""
import os
import shutil
import subprocess

failures = 0


def check(name, cond, detail=""):
    """Print ok or FAIL (with detail) for one check and count failures."""
    global failures
    print(f"{'ok' if cond else 'FAIL'}: {name}" + ("" if cond else f"\n    {detail}"))
    failures += not cond


def busybox():
    return shutil.which("busybox") or "/bin/busybox"


def skip_reason(what, userns=True, static_busybox=True):
    """Why `what` cannot run here (root, user namespaces, a static busybox), or None."""
    if os.geteuid() != 0:
        return f"{what} need root (CI runs as root)"
    if userns and not os.path.exists("/proc/self/ns/user"):
        return "this kernel has no user namespaces"
    if static_busybox and subprocess.run(["file", "-L", busybox()], capture_output=True,
                                         text=True).stdout.find("statically") < 0:
        return "busybox is not static (scripts/install-deps.sh installs busybox-static)"
    return None


def busybox_rootfs(root, applets, dirs=()):
    """A root filesystem at root: bin/busybox with a link per applet, and empty dirs."""
    os.makedirs(root + "/bin")
    shutil.copy(busybox(), root + "/bin/busybox")
    for a in applets:
        os.symlink("busybox", f"{root}/bin/{a}")
    for d in dirs:
        os.makedirs(f"{root}/{d}", exist_ok=True)
