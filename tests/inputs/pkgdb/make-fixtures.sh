#!/bin/sh
# make-fixtures.sh - regenerate the package-database fixtures of tests/unit/image/test_pkgdb.c
# and the seeds of fuzz/corpus/{dpkg,apk,rpm}/.
#
# Hand-written inputs (kept as they are):
#   dpkg/status, dpkg/status.d/*      dpkg status paragraphs, distroless files
#   apk/installed, apk/installed-odd  apk installed databases
#   copyright/dep5, copyright/freeform
#   rpm/specs/*.spec, rpm/specs/vakt-big.spec.in
# Generated here, with the real tools as ground truth:
#   dpkg/status.expected   what `dpkg-query --admindir` prints for dpkg/status
#   dpkg/status-crlf, apk/installed-crlf, copyright/dep5-crlf   CRLF copies
#   rpm/rpmdb.sqlite       four RPMs built with rpmbuild, installed --justdb by rpm (sqlite backend)
#   rpm/Packages           the same header blobs in a Berkeley DB hash file (db5.3_load), 4 KiB
#                          pages, little-endian: every value on overflow pages, one spanning 3
#   rpm/Packages-be        16 KiB pages, big-endian: small values on the hash page, one big
#   rpm/Packages-chksum    4 KiB pages with page checksums (a different page header size)
#   rpm/Packages.db        the same blobs in rpm's NDB format (SUSE), written by this script
#   rpm/expected.tsv       `rpm -qa` over rpmdb.sqlite (and checked against rpm's own
#                          read-only BDB backend over Packages and Packages-be)
#
# Needs: Debian's rpm, rpmbuild and db5.3-util; dpkg-query; /usr/bin/python3.
# Usage: tests/inputs/pkgdb/make-fixtures.sh   (from anywhere)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

crlf() { sed 's/$/\r/' "$1" >"$2"; }

# ---- dpkg ------------------------------------------------------------------------------
mkdir -p "$tmp/admin/info" "$tmp/admin/updates"
cp "$here/dpkg/status" "$tmp/admin/status"
: >"$tmp/admin/available"
dpkg-query --admindir="$tmp/admin" -W \
	-f='${db:Status-Status}\t${Package}\t${Architecture}\t${Version}\t${source:Package}\t${source:Version}\n' \
	2>/dev/null | LC_ALL=C sort >"$here/dpkg/status.expected"
crlf "$here/dpkg/status" "$here/dpkg/status-crlf"
crlf "$here/apk/installed" "$here/apk/installed-crlf"
crlf "$here/copyright/dep5" "$here/copyright/dep5-crlf"

# ---- rpm: build, install into a private database ------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
desc=$(i=1; while [ $i -le 120 ]; do
	printf 'Line %d of a long description that makes this header larger than one page.\\n' $i
	i=$((i + 1)); done)
sed "s|@DESCRIPTION@|$desc|" "$here/rpm/specs/vakt-big.spec.in" >"$tmp/vakt-big.spec"
for spec in "$here/rpm/specs/vakt-hello.spec" "$here/rpm/specs/vakt-suite.spec" "$tmp/vakt-big.spec"; do
	rpmbuild -bb --quiet --define "_topdir $tmp/top" \
		--define 'use_source_date_epoch_as_buildtime 1' --define '_buildhost build.example' \
		--define '__os_install_post %{nil}' "$spec" >/dev/null
done
mkdir -p "$tmp/db"
rpm --dbpath "$tmp/db" --initdb 2>/dev/null
rpm --dbpath "$tmp/db" -i --nodeps --justdb --noscripts "$tmp"/top/RPMS/*/*.rpm 2>/dev/null
cp "$tmp/db/rpmdb.sqlite" "$here/rpm/rpmdb.sqlite"

qf='%{NAME}\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{PACKAGER}\n'
rpm --dbpath "$tmp/db" -qa --qf "$qf" 2>/dev/null | LC_ALL=C sort >"$here/rpm/expected.tsv"

# ---- rpm: the same blobs in Berkeley DB and NDB files ----------------------------------------
"$py" - "$here/rpm/rpmdb.sqlite" "$tmp" "$here/rpm/Packages.db" <<'EOF'
import sqlite3, struct, sys, zlib
src, tmp, ndb = sys.argv[1:4]
rows = sqlite3.connect(src).execute('SELECT hnum, blob FROM Packages ORDER BY hnum').fetchall()

# db_load input (db_dump's bytevalue format). rpm keys Packages by the header number in the
# writer's byte order, and keeps the next free number under key 0.
def dump(path, order, pagesize):
    fmt = '<I' if order == 1234 else '>I'
    with open(path, 'w') as f:
        f.write('VERSION=3\nformat=bytevalue\ntype=hash\n')
        f.write('db_lorder=%d\ndb_pagesize=%d\nHEADER=END\n' % (order, pagesize))
        f.write(' %s\n %s\n' % (struct.pack(fmt, 0).hex(),
                                struct.pack(fmt, max(r[0] for r in rows) + 1).hex()))
        for hnum, blob in rows:
            f.write(' %s\n %s\n' % (struct.pack(fmt, hnum).hex(), bytes(blob).hex()))
        f.write('DATA=END\n')
dump(tmp + '/le.dump', 1234, 4096)
dump(tmp + '/be.dump', 4321, 16384)

# NDB (rpm lib/backend/ndb/rpmpkg.c): header and slots in the first 4 KiB page, then each
# blob in 16-byte blocks: head (BlbS, index, generation, length), blob, zero padding, tail
# at the end of the blocks (adler32 of head+blob+padding, length, BlbE). Little-endian.
le = lambda *v: struct.pack('<%dI' % len(v), *v)
page = bytearray(le(0x506d7052, 0, 7, 1, len(rows) + 1) + bytes(12))   # "RpmP"
body = bytearray()
blk = 4096 // 16
slots = []
for hnum, blob in rows:
    blob = bytes(blob)
    cnt = (16 + len(blob) + 12 + 15) // 16
    head = le(0x53626c42, hnum, 7, len(blob))                               # "BlbS"
    pad = bytes(cnt * 16 - 16 - len(blob) - 12)
    adl = zlib.adler32(head + blob + pad)
    slots.append(le(0x746f6c53, hnum, blk, cnt))                            # "Slot"
    body += head + blob + pad + le(adl, len(blob), 0x45626c42)              # "BlbE"
    blk += cnt
for s in slots:
    page += s
while len(page) < 4096:
    page += le(0x746f6c53, 0, 0, 0)
open(ndb, 'wb').write(bytes(page) + bytes(body))
EOF
rm -f "$here/rpm/Packages" "$here/rpm/Packages-be" "$here/rpm/Packages-chksum"
db5.3_load -f "$tmp/le.dump" "$here/rpm/Packages"
db5.3_load -f "$tmp/be.dump" "$here/rpm/Packages-be"
db5.3_load -c chksum=1 -f "$tmp/le.dump" "$here/rpm/Packages-chksum"

# rpm's own read-only BDB backend must list the same packages from the BDB files
for f in Packages Packages-be; do
	mkdir -p "$tmp/bdb-$f"
	cp "$here/rpm/$f" "$tmp/bdb-$f/Packages"
	rpm --define '_db_backend bdb_ro' --dbpath "$tmp/bdb-$f" -qa --qf "$qf" 2>/dev/null |
		LC_ALL=C sort >"$tmp/bdb-$f.tsv"
	cmp "$tmp/bdb-$f.tsv" "$here/rpm/expected.tsv"
done

# ---- fuzz seeds -------------------------------------------------------------------------
# fuzz_rpm: first byte even -> a header blob, odd -> a whole database.
seeds=$root/fuzz/corpus
mkdir -p "$seeds/dpkg" "$seeds/apk" "$seeds/rpm"
for f in status status-crlf status.d/base-files status.d/libssl3; do
	cp "$here/dpkg/$f" "$seeds/dpkg/seed-$(echo "$f" | tr / -)"
done
for f in dep5 freeform dep5-crlf; do cp "$here/copyright/$f" "$seeds/dpkg/seed-copyright-$f"; done
for f in installed installed-odd installed-crlf; do cp "$here/apk/$f" "$seeds/apk/seed-$f"; done
"$py" - "$here/rpm/rpmdb.sqlite" "$seeds/rpm" "$tmp" <<'EOF'
import sqlite3, sys, os
src, out, tmp = sys.argv[1:4]
rows = sqlite3.connect(src).execute('SELECT hnum, blob FROM Packages ORDER BY hnum').fetchall()
for hnum, blob in rows:
    open('%s/seed-blob-%d' % (out, hnum), 'wb').write(b'\0' + bytes(blob))
# a small SQLite database (512-byte pages, rpm's table, WAL mode as rpm leaves it), so the
# fuzzer mutates something it can run quickly
small = tmp + '/small.sqlite'
db = sqlite3.connect(small)
db.execute('PRAGMA page_size=512')
db.execute('PRAGMA journal_mode=WAL')
db.execute('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)')
db.executemany('INSERT INTO Packages VALUES (?, ?)', [r for r in rows if len(r[1]) < 4096][:2])
db.commit()
db.close()
open(out + '/seed-db-sqlite', 'wb').write(b'\1' + open(small, 'rb').read())
EOF
"$py" - "$here/rpm" "$seeds/rpm" <<'EOF'
import sys
d, out = sys.argv[1:3]
for name, seed in (('Packages', 'bdb'), ('Packages-be', 'bdb-be'), ('Packages.db', 'ndb')):
    open('%s/seed-db-%s' % (out, seed), 'wb').write(b'\1' + open('%s/%s' % (d, name), 'rb').read())
EOF
ls -l "$here/rpm" "$seeds/rpm"
