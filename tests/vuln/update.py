#!/usr/bin/python3
"""`vakt db update` against a feed server on 127.0.0.1: never the internet.

    update.py VAKT

The server (a thread of this script) serves a small OSV all.zip (built here with
zipfile, with an ETag) and a Debian security tracker excerpt (with Last-Modified), and
answers conditional requests with 304 when the validators match. Around them it serves
what goes wrong in the field: a 404, a body cut short of its Content-Length, a server
that sends a byte every few seconds, a corrupt zip, an HTML page, bodies over the size
limit (announced, and not announced), redirects (to loopback http: followed; to another
host over http: refused), and a 503 that goes away on retry. When openssl is there, the
same handler also speaks HTTPS with a certificate made for 127.0.0.1, to check that
certificates and host names are verified (--cacert names the test CA) and that a redirect
from https to http is refused.

Checked:
  - the first update imports both feeds and `vakt db info` lists them as sources;
  - the second gets 304 for both (the server saw If-None-Match and If-Modified-Since)
    and leaves the database byte for byte as it was;
  - each failure exits 3 with a message naming the URL and the reason, says the previous
    database stays in use, leaves the database and the validators file byte-identical,
    leaves no temporary file behind, and `vakt db info` still works; a failed feed's
    validators are never remembered (the corrupt zip is downloaded again next time);
  - a changed feed is downloaded again and the database changes; --force downloads all;
  - .vakt.yaml db.feeds (found from the working directory, or --config) replaces the
    defaults; unknown keys and bad URLs are errors at file:line (exit 2).

Exit 0 on success, 1 on a failure, 77 (skip) while the importers are placeholders.
"""
import email.utils
import glob
import hashlib
import http.server
import io
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

VAKT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
FAILS = []


def osv(id_, pkg, fixed, eco="Debian:12"):
    return {
        "schema_version": "1.6.0",
        "id": id_,
        "modified": "2024-01-02T00:00:00Z",
        "published": "2024-01-01T00:00:00Z",
        "aliases": [id_.split("-", 1)[1]],  # DEBIAN-CVE-... -> CVE-...
        "summary": "test record " + id_,
        "affected": [{
            "package": {"ecosystem": eco, "name": pkg},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
        }],
    }


def make_zip(records):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for r in records:
            z.writestr(r["id"] + ".json", json.dumps(r))
    return b.getvalue()


DEBIAN_JSON = json.dumps({
    "curl": {
        "CVE-2023-38545": {
            "scope": "remote",
            "description": "SOCKS5 heap buffer overflow",
            "releases": {"bookworm": {"status": "resolved", "repositories": {"bookworm": "7.88.1-10+deb12u8"},
                                      "fixed_version": "7.88.1-10+deb12u4", "urgency": "high"}},
        }
    },
    "zlib": {
        "CVE-2023-45853": {
            "scope": "local",
            "description": "MiniZip integer overflow",
            "releases": {"bookworm": {"status": "open", "repositories": {"bookworm": "1:1.2.13.dfsg-1"},
                                      "urgency": "not yet assigned"}},
        }
    },
}, indent=1).encode()


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.set_zip([osv("DEBIAN-CVE-2024-0001", "openssl", "3.0.11-1~deb12u2"),
                      osv("DEBIAN-CVE-2024-0002", "curl", "7.88.1-10+deb12u5")], '"v1"')
        self.debian = DEBIAN_JSON
        self.debian_lm = email.utils.formatdate(time.time() - 3600, usegmt=True)
        self.hits = []  # (path, If-None-Match, If-Modified-Since)
        self.flaky = 0

    def set_zip(self, records, etag):
        self.zip = make_zip(records)
        self.zip_etag = etag


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def do_GET(self):
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        with STATE.lock:
            STATE.hits.append((self.path, inm, ims))
        p = self.path
        base = self.server.base
        if p == "/osv/Debian/all.zip":
            if inm == STATE.zip_etag:
                return self.send(304, headers=[("ETag", STATE.zip_etag)])
            return self.send(200, STATE.zip, [("ETag", STATE.zip_etag), ("Content-Type", "application/zip")])
        if p == "/debian/json":
            if ims == STATE.debian_lm:
                return self.send(304)
            return self.send(200, STATE.debian, [("Last-Modified", STATE.debian_lm),
                                                 ("Content-Type", "application/json")])
        if p == "/missing":
            return self.send(404, b"no such feed\n")
        if p == "/truncated":
            # announce 100000 bytes, send 1000, close the connection
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(STATE.zip[:1000].ljust(1000, b"\0"))
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            try:
                for _ in range(20):  # a byte every 3 s: at most a minute
                    self.wfile.write(b"P")
                    self.wfile.flush()
                    time.sleep(3)
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/corrupt.zip":
            body = b"PK\x03\x04" + bytes(range(256)) * 8
            return self.send(200, body, [("ETag", '"corrupt"')])
        if p == "/mixed.zip":
            # one good record and one that is not an OSV record: a warning, not a failure
            b = io.BytesIO()
            with zipfile.ZipFile(b, "w") as z:
                z.writestr("GOOD-1.json", json.dumps(osv("DEBIAN-CVE-2024-0200", "bash", "5.2-1")))
                z.writestr("BAD-1.json", json.dumps({"id": 42, "affected": "no"}))
            return self.send(200, b.getvalue())
        if p == "/portal":
            return self.send(200, b"<html><body>Sign in to the Wi-Fi</body></html>\n",
                             [("Content-Type", "text/html")])
        if p == "/big":
            # announced over the limit: refused before the body
            self.send_response(200)
            self.send_header("Content-Length", str(5 << 20))
            self.end_headers()
            try:
                self.wfile.write(b"\0" * 65536)
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/big-unannounced":
            # no Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"\0" * 65536)
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/redirect-local":
            return self.send(302, b"", [("Location", base + "/osv/Debian/all.zip")])
        if p == "/redirect-downgrade":
            return self.send(302, b"", [("Location", HTTP_BASE + "/osv/Debian/all.zip")])
        if p == "/redirect-remote":
            return self.send(302, b"", [("Location", "http://example.invalid/all.zip")])
        if p == "/redirect-loop":
            return self.send(302, b"", [("Location", base + "/redirect-loop")])
        if p == "/flaky.zip":
            with STATE.lock:
                STATE.flaky += 1
                n = STATE.flaky
            if n == 1:
                return self.send(503, b"try later\n")
            return self.send(200, make_zip([osv("DEBIAN-CVE-2024-0100", "zlib", "1:1.3-1")]),
                             [("ETag", '"flaky"')])
        return self.send(404, b"?\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that give up (timeouts, refused certificates) are expected here


HTTP_BASE = None


def https_server(tmp):
    """The same handler over TLS, with a self-signed certificate for IP 127.0.0.1 only
    (so https://localhost/ must fail host name verification). None without openssl."""
    if not shutil.which("openssl"):
        return None, None
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=vakt test", "-addext",
                        "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"],
                       capture_output=True)
    if r.returncode != 0:
        return None, None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = Server(("127.0.0.1", 0), Handler)
    # the handshake happens in the handler's thread, so a client that refuses the
    # certificate does not stall the accepting one
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    srv.base = "https://127.0.0.1:%d" % srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, cert


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)
    return cond


def sha(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(args, cwd=None, timeout=120):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "halt_on_error=1:detect_leaks=1")
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    t0 = time.monotonic()
    p = subprocess.run([VAKT] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    p.elapsed = time.monotonic() - t0
    return p


def show(p):
    return "exit %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)


def leftovers(d):
    return sorted(glob.glob(os.path.join(d, "*.download.*")) + glob.glob(os.path.join(d, "*.tmp.*")))


def main():
    if not VAKT:
        print("usage: update.py VAKT", file=sys.stderr)
        return 2
    global HTTP_BASE
    srv = Server(("127.0.0.1", 0), Handler)
    srv.base = HTTP_BASE = "http://127.0.0.1:%d" % srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = srv.base
    ZIP, DEB = base + "/osv/Debian/all.zip", base + "/debian/json"
    tmp = tempfile.mkdtemp(prefix="vakt-update-test.")
    tls = None
    try:
        tls, cert = https_server(tmp)
        return cases(base, ZIP, DEB, tmp, tls, cert)
    finally:
        srv.shutdown()
        if tls:
            tls.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def cases(base, ZIP, DEB, tmp, tls, cert):
    db = os.path.join(tmp, "cache", "vuln.db")
    vals = db + ".feeds.json"
    good = ["--db", db, "--feed", ZIP, "--feed", DEB]

    # ---- 1. the first update ------------------------------------------------------------------
    p = run(["db", "update"] + good)
    if p.returncode != 0 and "not supported yet" in p.stderr:
        print("SKIP: the feed importers are still placeholders (vakt db update said: %s)" % p.stderr.strip())
        return 77
    if not check(p.returncode == 0, "first update succeeds\n" + show(p)):
        return 1
    check("downloaded" in p.stdout and "imported" in p.stdout and "updated " in p.stdout,
          "first update prints per-feed lines and a total\n" + show(p))
    info = run(["db", "info", "--db", db])
    check(info.returncode == 0 and ("update " + ZIP) in info.stdout and ("update " + DEB) in info.stdout,
          "db info lists both feeds as sources\n" + show(info))
    check(os.path.exists(vals), "the validators file exists after the first update")
    with open(vals) as f:
        v = json.load(f)
    check(v.get("feeds", {}).get(ZIP, {}).get("etag") == '"v1"', "the zip's ETag is remembered: %r" % v)
    check(v.get("feeds", {}).get(DEB, {}).get("last_modified") == STATE.debian_lm,
          "the tracker's Last-Modified is remembered: %r" % v)
    check(oct(os.stat(os.path.dirname(db)).st_mode & 0o777) == "0o700", "the database directory is 0700")
    check(leftovers(os.path.dirname(db)) == [], "no temporary files after success: %r" % leftovers(os.path.dirname(db)))

    # a download directory left by a killed update is removed by the next one
    stale = db + ".download.AbC123"
    os.mkdir(stale, 0o700)
    with open(os.path.join(stale, "01-all.zip"), "wb") as f:
        f.write(b"partial")

    # ---- 2. nothing changed: 304 --------------------------------------------------------------
    h0, v0 = sha(db), sha(vals)
    STATE.hits.clear()
    p = run(["db", "update"] + good)
    check(p.returncode == 0 and p.stdout.count("not modified") >= 2 and "up to date" in p.stdout,
          "second update: both feeds not modified\n" + show(p))
    check(sha(db) == h0, "second update leaves the database byte-identical")
    check(sha(vals) == v0, "second update leaves the validators file as it was")
    check(not os.path.exists(stale), "a stale download directory was removed")
    hz = [h for h in STATE.hits if h[0] == "/osv/Debian/all.zip"]
    hd = [h for h in STATE.hits if h[0] == "/debian/json"]
    check(hz and hz[-1][1] == '"v1"', "the zip request carried If-None-Match: %r" % hz)
    check(hd and hd[-1][2] == STATE.debian_lm, "the tracker request carried If-Modified-Since: %r" % hd)

    # ---- 3. failures: each leaves everything as it was -----------------------------------------
    def failing(name, url, expect, extra=(), code=3, max_secs=60):
        h_db, h_vals = sha(db), sha(vals)
        p = run(["db", "update", "--db", db, "--feed", url] + list(extra))
        ok = check(p.returncode == code, "%s: exit %d\n%s" % (name, code, show(p)))
        for e in expect:
            ok &= check(e in p.stderr, "%s: stderr mentions %r\n%s" % (name, e, show(p)))
        if code == 3:
            ok &= check("was not changed" in p.stderr, "%s: says the database was not changed\n%s" % (name, show(p)))
        ok &= check(sha(db) == h_db, "%s: the database is byte-identical" % name)
        ok &= check(sha(vals) == h_vals, "%s: the validators file is unchanged" % name)
        ok &= check(leftovers(os.path.dirname(db)) == [],
                    "%s: no temporary files left: %r" % (name, leftovers(os.path.dirname(db))))
        ok &= check(p.elapsed < max_secs, "%s: took %.1f s (at most %d)" % (name, p.elapsed, max_secs))
        i = run(["db", "info", "--db", db])
        ok &= check(i.returncode == 0 and ("update " + ZIP) in i.stdout, "%s: db info still works\n%s" % (name, show(i)))
        print("%s %s (%.1f s): %s" % ("ok  " if ok else "FAIL", name, p.elapsed,
                                     p.stderr.strip().splitlines()[0] if p.stderr.strip() else ""))
        return p

    failing("404", base + "/missing", ["/missing", "HTTP 404"])
    failing("truncated body", base + "/truncated", ["/truncated", "cut short", "2 attempts"], ["--retries", "1"])
    failing("slow server", base + "/slow", ["/slow", "timed out"], ["--timeout", "2", "--retries", "0"], max_secs=20)
    failing("corrupt zip", base + "/corrupt.zip", ["/corrupt.zip"])
    # the corrupt zip's ETag was not remembered: it is fetched (and refused) again
    STATE.hits.clear()
    failing("corrupt zip again", base + "/corrupt.zip", ["/corrupt.zip"])
    check([h[1] for h in STATE.hits if h[0] == "/corrupt.zip"] == [None],
          "a feed that failed to import has no validators: %r" % STATE.hits)
    failing("not a feed", base + "/portal", ["/portal"])
    failing("announced too big", base + "/big", ["/big", "limit"], ["--max-size", "1M"])
    failing("too big without Content-Length", base + "/big-unannounced", ["/big-unannounced", "limit"],
            ["--max-size", "1M"])
    failing("redirect to another host over http", base + "/redirect-remote",
            ["/redirect-remote", "example.invalid", "https"])
    failing("redirect loop", base + "/redirect-loop", ["redirects"])
    failing("ftp URL", "ftp://127.0.0.1/x", ["only https"], code=2)
    failing("http to a remote host", "http://example.invalid/x.zip", ["only https"], code=2)
    failing("credentials in the URL", "https://user:pw@example.invalid/x.zip", ["password"], code=2)
    # one good feed (not modified) and one failure: still nothing changes
    failing("good feed then 404", base + "/missing", ["HTTP 404"], ["--feed", ZIP])

    # ---- TLS: verification is on, redirects never downgrade ------------------------------------
    if tls:
        sbase = tls.base
        failing("https with an unknown CA", sbase + "/osv/Debian/all.zip", ["TLS verification failed"])
        failing("https with the wrong host name", sbase.replace("127.0.0.1", "localhost") + "/osv/Debian/all.zip",
                ["TLS verification failed"], ["--cacert", cert])
        failing("redirect from https to http", sbase + "/redirect-downgrade", ["from https to http", "refused"],
                ["--cacert", cert])
        h_db = sha(db)
        p = run(["db", "update", "--db", db, "--cacert", cert, "--feed", sbase + "/osv/Debian/all.zip"])
        check(p.returncode == 0 and "imported" in p.stdout, "https with --cacert imports\n" + show(p))
        check(sha(db) != h_db, "the https feed changed the database")
        p = run(["db", "update", "--db", db, "--cacert", cert, "--feed", sbase + "/osv/Debian/all.zip"])
        check(p.returncode == 0 and "not modified" in p.stdout, "https: the second update is a 304\n" + show(p))
    else:
        print("note: no openssl: the HTTPS checks were not run")

    # another update of the same database is running: refused, nothing changes
    import fcntl
    with open(db + ".update.lock", "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        failing("concurrent update", ZIP, ["another vakt db update"])

    # ---- 4. retries, redirects, warnings, changes, --force --------------------------------------
    p = run(["db", "update", "--db", db, "--feed", base + "/mixed.zip"])
    check(p.returncode == 0 and "1 skipped" in p.stdout and (base + "/mixed.zip") in p.stderr
          and ".download." not in p.stderr,
          "a bad record is a warning naming the URL (not the temporary file)\n" + show(p))
    p = run(["db", "update", "-q", "--db", db, "--feed", base + "/mixed.zip", "--force"])
    check(p.returncode == 0 and "warning" not in p.stderr, "-q silences the warnings\n" + show(p))
    h_db = sha(db)
    p = run(["db", "update", "--db", db, "--feed", base + "/flaky.zip"])
    check(p.returncode == 0 and "2 attempts" in p.stdout, "a 503 is retried and the second attempt imports\n" + show(p))
    check(sha(db) != h_db, "the retried feed changed the database")
    p = run(["db", "update", "--db", db, "--feed", base + "/redirect-local"])
    check(p.returncode == 0 and "downloaded" in p.stdout, "a redirect to loopback http is followed\n" + show(p))

    STATE.set_zip([osv("DEBIAN-CVE-2024-0001", "openssl", "3.0.11-1~deb12u2"),
                   osv("DEBIAN-CVE-2024-0002", "curl", "7.88.1-10+deb12u5"),
                   osv("DEBIAN-CVE-2024-0003", "zlib", "1:1.2.13.dfsg-2")], '"v2"')
    h_db = sha(db)
    p = run(["db", "update"] + good)
    check(p.returncode == 0 and "downloaded" in p.stdout and "not modified" in p.stdout,
          "a changed feed is downloaded, the other is not\n" + show(p))
    check(sha(db) != h_db, "the changed feed changed the database")
    with open(vals) as f:
        check(json.load(f)["feeds"][ZIP]["etag"] == '"v2"', "the new ETag is remembered")
    p = run(["db", "update", "--force"] + good)
    check(p.returncode == 0 and p.stdout.count(": downloaded ") == 2, "--force downloads every feed\n" + show(p))

    # a database that was removed gets every feed again, whatever the validators say
    os.unlink(db)
    p = run(["db", "update"] + good)
    check(p.returncode == 0 and p.stdout.count(": downloaded ") == 2,
          "without a database the validators are not used\n" + show(p))

    # ---- 5. .vakt.yaml ----------------------------------------------------------------------------
    proj = os.path.join(tmp, "project")
    os.makedirs(os.path.join(proj, "sub"))
    cfg = os.path.join(proj, ".vakt.yaml")
    with open(cfg, "w") as f:
        f.write("pss: baseline\ndb:\n  feeds:\n    - %s\n  max-age: 3\n" % ZIP)
    STATE.hits.clear()
    p = run(["db", "update", "--db", db], cwd=os.path.join(proj, "sub"))
    check(p.returncode == 0 and ZIP in p.stdout and DEB not in p.stdout,
          ".vakt.yaml db.feeds found from the working directory replaces the defaults\n" + show(p))
    check(all(h[0] == "/osv/Debian/all.zip" for h in STATE.hits) and STATE.hits, "only the configured feed was asked for")
    p = run(["db", "update", "--db", db, "--feed", DEB], cwd=proj)
    check(p.returncode == 0 and DEB in p.stdout and ZIP not in p.stdout, "--feed replaces db.feeds\n" + show(p))

    bad = os.path.join(tmp, "bad.yaml")
    for text, where, what in [
        ("db:\n  feeds: [%s]\n  feed: x\n" % ZIP, ":3:3", "unknown setting 'feed'"),
        ("db:\n  feeds:\n    - %s\n    - ftp://x/y\n" % ZIP, ":4:7", "only https"),
        ("db:\n  feeds:\n    - %s\n    - %s\n" % (ZIP, ZIP), ":4:7", "listed twice"),
        ("db:\n  feeds: []\n", ":2:10", "at least one URL"),
        ("db:\n  max-age: soon\n", ":2:12", "number of days"),
        ("db: [1]\n", ":1:5", "expected a mapping"),
    ]:
        with open(bad, "w") as f:
            f.write(text)
        h_db = sha(db)
        p = run(["db", "update", "--db", db, "--config", bad])
        check(p.returncode == 2 and (bad + where) in p.stderr and what in p.stderr,
              "config %r: exit 2 with %s%s: %s\n%s" % (text, bad, where, what, show(p)))
        check(sha(db) == h_db, "config error leaves the database alone")
    with open(bad, "w") as f:
        f.write("db:\n  feeds: [%s]\n" % DEB)
    p = run(["db", "update", "--db", db, "--config", bad])
    check(p.returncode == 0 and DEB in p.stdout, "--config FILE is read\n" + show(p))

    # ---- 6. options belong to update --------------------------------------------------------------
    p = run(["db", "info", "--db", db, "--feed", ZIP])
    check(p.returncode == 2 and "vakt db update" in p.stderr, "--feed with info is a usage error\n" + show(p))
    p = run(["db", "update", "--db", db, "--timeout", "0"])
    check(p.returncode == 2, "--timeout 0 is a usage error\n" + show(p))
    p = run(["db", "update", "--db", db, "some-path"])
    check(p.returncode == 2, "update takes no operands\n" + show(p))

    if FAILS:
        print("\n%d check(s) failed" % len(FAILS))
        return 1
    print("all db update checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
