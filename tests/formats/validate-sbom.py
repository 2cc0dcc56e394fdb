#!/usr/bin/python3
"""Validate SBOMs: CycloneDX 1.6 JSON and SPDX 2.3 JSON.

    validate-sbom.py [--self-test] FILE|DIR...

Each file is recognised by its content (bomFormat / spdxVersion) and checked against the
official schema from ../shared/data/schemas (the test is skipped, exit 77, when that folder
or python3-jsonschema is absent). The CycloneDX schema refers to spdx.schema.json and
jsf-0.82.schema.json; they are served from the same folder, never fetched.

The schemas leave out rules the specifications state in prose, so these are checked too:
  both   package URLs are canonical (scheme, lower-case type, percent-encoding with
         upper-case hex of every byte outside A-Za-z0-9.-_~:, sorted lower-case qualifier
         keys); licence identifiers are on the SPDX licence list (spdx.schema.json's enum)
  cdx    bom-refs unique; every dependency ref and dependsOn names a bom-ref
  spdx   SPDXIDs match SPDXRef-[A-Za-z0-9.-]+ and are unique; relationships name known
         elements and the document DESCRIBES something; created is YYYY-MM-DDThh:mm:ssZ;
         creators and suppliers use the agent syntax; documentNamespace is an absolute
         URI without '#'; licence expressions parse, and every LicenseRef- used is
         declared exactly once in hasExtractedLicensingInfos and every declared one used
With --self-test, broken copies of the largest valid document of each kind (a LicenseRef
declared twice, an SPDXID with '_', an unencoded '+' in a purl...) must each be rejected,
so a check that silently passes everything is noticed.
Exit status: 0 all valid, 1 a problem (each printed), 77 skipped.
"""
import copy
import json
import pathlib
import re
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "data" / "schemas"
CDX_SCHEMA = SCHEMAS / "cyclonedx-bom-1.6.schema.json"
CDX_REFS = ["spdx.schema.json", "jsf-0.82.schema.json"]
SPDX_SCHEMA = SCHEMAS / "spdx-2.3-schema.json"

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (scripts/install-deps.sh installs it)")
    sys.exit(77)

PURL_RE = re.compile(r"^pkg:([a-z][a-z0-9.+-]*)/([^?#@]+)(?:@([^?#]+))?(?:\?([^#]+))?(?:#(.+))?$")
PCT_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~:")
SPDXID_RE = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
LICREF_RE = re.compile(r"^LicenseRef-[A-Za-z0-9.\-]+$")
CREATED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AGENT_RE = re.compile(r"^(Person|Organization|Tool): .+$", re.S)


def no_network(uri):
    raise RuntimeError(f"schema reference {uri} is not in {SCHEMAS}: refusing to fetch it")


def load_validators():
    """Validators for both formats whose $refs resolve to the local files only: with the
    `referencing` registry when jsonschema is new enough to have it (no retrieve function,
    so an unknown reference fails instead of being fetched), else a RefResolver whose
    http/https handlers refuse."""
    cdx = json.loads(CDX_SCHEMA.read_text())
    spdx = json.loads(SPDX_SCHEMA.read_text())
    refs = {}
    for name in CDX_REFS:
        s = json.loads((SCHEMAS / name).read_text())
        refs[s["$id"]] = s
        # the reference as written, resolved against the CycloneDX schema's $id
        refs[urllib.parse.urljoin(cdx["$id"], name)] = s
    fmt = jsonschema.FormatChecker()
    cdx_cls = jsonschema.validators.validator_for(cdx)
    spdx_cls = jsonschema.validators.validator_for(spdx)
    try:
        import referencing
        import referencing.jsonschema
    except ImportError:
        referencing = None
    if referencing is not None:
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(
                s, default_specification=referencing.jsonschema.DRAFT7))
            for uri, s in [(cdx["$id"], cdx), *refs.items()])
        cdx_v = cdx_cls(cdx, registry=registry, format_checker=fmt)
        spdx_v = spdx_cls(spdx, registry=referencing.Registry(), format_checker=fmt)
    else:
        handlers = {"http": no_network, "https": no_network}
        resolver = jsonschema.RefResolver(base_uri=cdx["$id"], referrer=cdx,
                                          store={cdx["$id"]: cdx, **refs}, handlers=handlers)
        cdx_v = cdx_cls(cdx, resolver=resolver, format_checker=fmt)
        spdx_v = spdx_cls(spdx, resolver=jsonschema.RefResolver.from_schema(
            spdx, handlers=handlers), format_checker=fmt)
    licenses = set(json.loads((SCHEMAS / "spdx.schema.json").read_text())["enum"])
    return cdx_v, spdx_v, licenses


def check_pct(part, what, errs):
    i = 0
    while i < len(part):
        c = part[i]
        if c == "%":
            h = part[i + 1:i + 3]
            if len(h) != 2 or not re.fullmatch(r"[0-9A-F]{2}", h):
                errs.append(f"{what}: bad percent-escape at {part[i:i + 3]!r}")
                return
            if chr(int(h, 16)) in PCT_SAFE:
                errs.append(f"{what}: {h} should not be encoded")
            i += 3
            continue
        if c not in PCT_SAFE:
            errs.append(f"{what}: {c!r} must be percent-encoded")
        i += 1


def check_purl(purl, errs):
    m = PURL_RE.match(purl)
    if not m:
        errs.append(f"purl {purl!r}: not pkg:type/[namespace/]name[@version][?qualifiers]")
        return
    _type, path, version, quals, _sub = m.groups()
    for seg in path.split("/"):
        if not seg:
            errs.append(f"purl {purl!r}: empty path segment")
        check_pct(seg, f"purl {purl!r} name", errs)
    if version is not None:
        check_pct(version, f"purl {purl!r} version", errs)
    if quals:
        keys = []
        for q in quals.split("&"):
            k, eq, v = q.partition("=")
            if not eq or not v or not re.fullmatch(r"[a-z0-9._-]+", k):
                errs.append(f"purl {purl!r}: bad qualifier {q!r}")
                continue
            check_pct(v, f"purl {purl!r} qualifier {k}", errs)
            keys.append(k)
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            errs.append(f"purl {purl!r}: qualifier keys not sorted and unique")


def expression_ids(expr):
    """(licence ids, exception ids) of an SPDX licence expression; ValueError if it does
    not parse."""
    toks = re.findall(r"\(|\)|[A-Za-z0-9.\-:]+\+?|\S", expr)
    lic, exc = [], []
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def primary():
        nonlocal pos
        t = peek()
        if t == "(":
            pos += 1
            disj()
            if peek() != ")":
                raise ValueError("missing )")
            pos += 1
            return
        if t is None or t in ("AND", "OR", "WITH", ")") or not re.fullmatch(
                r"[A-Za-z0-9.\-:]+\+?", t):
            raise ValueError(f"unexpected {t!r}")
        pos += 1
        lic.append(t[:-1] if t.endswith("+") else t)
        if peek() == "WITH":
            pos += 1
            t = peek()
            if t is None or not re.fullmatch(r"[A-Za-z0-9.\-]+", t):
                raise ValueError("WITH without an exception")
            exc.append(t)
            pos += 1

    def conj():
        nonlocal pos
        primary()
        while peek() == "AND":
            pos += 1
            primary()

    def disj():
        nonlocal pos
        conj()
        while peek() == "OR":
            pos += 1
            conj()

    disj()
    if pos != len(toks):
        raise ValueError(f"trailing {toks[pos]!r}")
    return lic, exc


def check_expression(expr, where, licenses, declared_refs, used_refs, errs):
    try:
        lic, exc = expression_ids(expr)
    except ValueError as e:
        errs.append(f"{where}: licence expression {expr!r}: {e}")
        return
    for i in lic:
        if i.startswith("LicenseRef-"):
            if not LICREF_RE.match(i):
                errs.append(f"{where}: bad LicenseRef {i!r}")
            if declared_refs is not None and i not in declared_refs:
                errs.append(f"{where}: {i} is not declared in hasExtractedLicensingInfos")
            if used_refs is not None:
                used_refs.add(i)
        elif i not in licenses:
            errs.append(f"{where}: {i!r} is not an SPDX licence identifier")
    for e in exc:
        if e not in licenses:
            errs.append(f"{where}: {e!r} is not an SPDX exception identifier")


def check_cdx(doc, licenses, errs):
    refs = set()

    def walk(c, where):
        r = c.get("bom-ref")
        if r is not None:
            if r in refs:
                errs.append(f"{where}: bom-ref {r!r} is not unique")
            refs.add(r)
        if "purl" in c:
            check_purl(c["purl"], errs)
        for lc in c.get("licenses", []):
            if "expression" in lc:
                check_expression(lc["expression"], where, licenses, None, None, errs)
        for i, sub in enumerate(c.get("components", [])):
            walk(sub, f"{where}/components/{i}")

    meta = doc.get("metadata", {})
    if "component" in meta:
        walk(meta["component"], "metadata/component")
    for i, c in enumerate(doc.get("components", [])):
        walk(c, f"components/{i}")
    for d in doc.get("dependencies", []):
        for r in [d["ref"], *d.get("dependsOn", [])]:
            if r not in refs:
                errs.append(f"dependencies: {r!r} is not a bom-ref")


def check_spdx(doc, licenses, errs):
    if not CREATED_RE.match(doc["creationInfo"]["created"]):
        errs.append(f"created {doc['creationInfo']['created']!r} is not YYYY-MM-DDThh:mm:ssZ")
    for c in doc["creationInfo"]["creators"]:
        if not AGENT_RE.match(c):
            errs.append(f"creator {c!r}: not Person:/Organization:/Tool:")
    ns = urllib.parse.urlparse(doc["documentNamespace"])
    if not ns.scheme or not ns.netloc or "#" in doc["documentNamespace"]:
        errs.append(f"documentNamespace {doc['documentNamespace']!r}: not an absolute URI without '#'")
    ids = {doc["SPDXID"]}
    declared = {}
    for x in doc.get("hasExtractedLicensingInfos", []):
        lid = x["licenseId"]
        if not LICREF_RE.match(lid):
            errs.append(f"hasExtractedLicensingInfos: bad licenseId {lid!r}")
        declared[lid] = declared.get(lid, 0) + 1
    for lid, n in declared.items():
        if n != 1:
            errs.append(f"hasExtractedLicensingInfos: {lid} declared {n} times")
    used = set()
    for p in doc.get("packages", []):
        sid = p["SPDXID"]
        if not SPDXID_RE.match(sid):
            errs.append(f"package {p['name']!r}: SPDXID {sid!r} does not match SPDXRef-[A-Za-z0-9.-]+")
        if sid in ids:
            errs.append(f"SPDXID {sid} is not unique")
        ids.add(sid)
        sup = p.get("supplier")
        if sup is not None and sup != "NOASSERTION" and not AGENT_RE.match(sup):
            errs.append(f"package {sid}: supplier {sup!r} is not Person:/Organization:")
        for key in ("licenseDeclared", "licenseConcluded"):
            v = p.get(key)
            if v is not None and v not in ("NOASSERTION", "NONE"):
                check_expression(v, f"package {sid} {key}", licenses, declared, used, errs)
        for r in p.get("externalRefs", []):
            if r["referenceType"] == "purl":
                check_purl(r["referenceLocator"], errs)
    for lid in declared:
        if lid not in used:
            errs.append(f"hasExtractedLicensingInfos: {lid} is declared but never used")
    describes = False
    for r in doc.get("relationships", []):
        for k in ("spdxElementId", "relatedSpdxElement"):
            if r[k] not in ids and r[k] not in ("NOASSERTION", "NONE"):
                errs.append(f"relationship {r}: {r[k]!r} is not an element of the document")
        if r["relationshipType"] == "DESCRIBES" and r["spdxElementId"] == doc["SPDXID"]:
            describes = True
    if not describes:
        errs.append("the document DESCRIBES nothing")


def problems(doc, validator, check, licenses):
    errs = [f"schema: /{'/'.join(map(str, e.path))}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(doc), key=str)]
    if not errs:
        check(doc, licenses, errs)
    return errs


def spdx_mutations(doc):
    """(what, function that breaks a copy of doc in place)"""
    def first_pkg(d, pred):
        return next(p for p in d["packages"] if pred(p))

    def with_ref(d):
        return first_pkg(d, lambda p: p.get("licenseDeclared", "").startswith("LicenseRef-"))

    def with_purl(d):
        return first_pkg(d, lambda p: p.get("externalRefs"))

    return [
        ("LicenseRef declared twice", lambda d: d["hasExtractedLicensingInfos"].append(
            dict(d["hasExtractedLicensingInfos"][0]))),
        ("LicenseRef not declared", lambda d: with_ref(d).update(licenseDeclared="LicenseRef-nowhere")),
        ("LicenseRef declared, not used", lambda d: d["hasExtractedLicensingInfos"].append(
            {"licenseId": "LicenseRef-unused", "extractedText": "x"})),
        ("unknown licence id", lambda d: with_ref(d).update(licenseDeclared="GPL-2+")),
        ("lower-case operator", lambda d: with_ref(d).update(licenseDeclared="MIT and Zlib")),
        ("SPDXID with '_'", lambda d: d["packages"][-1].update(SPDXID="SPDXRef-a_b")),
        ("duplicate SPDXID", lambda d: d["packages"][-1].update(SPDXID=d["packages"][0]["SPDXID"])),
        ("purl with '+'", lambda d: with_purl(d)["externalRefs"][0].update(
            referenceLocator="pkg:deb/debian/a@1+b1")),
        ("purl qualifiers unsorted", lambda d: with_purl(d)["externalRefs"][0].update(
            referenceLocator="pkg:deb/debian/a@1?distro=debian-12&arch=amd64")),
        ("purl lower-case escape", lambda d: with_purl(d)["externalRefs"][0].update(
            referenceLocator="pkg:deb/debian/a@1%2b1")),
        ("created with fraction", lambda d: d["creationInfo"].update(created="2024-01-01T00:00:00.5Z")),
        ("relationship to nothing", lambda d: d["relationships"].append(
            {"spdxElementId": "SPDXRef-Image", "relatedSpdxElement": "SPDXRef-gone",
             "relationshipType": "CONTAINS"})),
        ("no DESCRIBES", lambda d: d.update(relationships=[
            r for r in d["relationships"] if r["relationshipType"] != "DESCRIBES"])),
        ("namespace with '#'", lambda d: d.update(documentNamespace=d["documentNamespace"] + "#x")),
        ("bad supplier", lambda d: d["packages"][-1].update(supplier="Debian")),
        ("schema: bad purpose", lambda d: d["packages"][-1].update(primaryPackagePurpose="LIB")),
    ]


def cdx_mutations(doc):
    return [
        ("duplicate bom-ref", lambda d: d["components"].append(dict(d["components"][-1], name="x"))),
        ("dependsOn unknown", lambda d: d["dependencies"][0]["dependsOn"].append("pkg:nowhere")),
        ("bad expression", lambda d: d["components"][-1].update(
            licenses=[{"expression": "GPLv2+ and LGPLv2+"}])),
        ("purl with space", lambda d: d["components"][-1].update(purl="pkg:apk/alpine/a b@1")),
        ("schema: serial number", lambda d: d.update(serialNumber="urn:uuid:XYZ")),
        ("schema: component type", lambda d: d["components"][-1].update(type="package")),
        ("schema: version too long", lambda d: d["components"][-1].update(version="9" * 1025)),
    ]


def self_test(docs, validators, licenses):
    failures = 0
    for kind, muts, check in (("CycloneDX", cdx_mutations, check_cdx),
                              ("SPDX", spdx_mutations, check_spdx)):
        candidates = [d for k, d in docs if k == kind]
        if not candidates:
            print(f"self-test: no valid {kind} document to break")
            failures += 1
            continue
        base = max(candidates, key=lambda d: len(json.dumps(d)))
        for what, mutate in muts(base):
            d = copy.deepcopy(base)
            try:
                mutate(d)
            except (StopIteration, IndexError, KeyError) as e:
                print(f"self-test {kind}: {what}: the sample cannot be broken this way ({e!r})")
                failures += 1
                continue
            errs = problems(d, validators[kind], check, licenses)
            if not errs:
                print(f"self-test {kind}: {what}: NOT detected")
                failures += 1
            else:
                print(f"self-test {kind}: {what}: detected ({errs[0][:100]})")
    return failures


def main(argv):
    selftest = len(argv) > 1 and argv[1] == "--self-test"
    if selftest:
        argv = argv[:1] + argv[2:]
    if len(argv) < 2:
        print(__doc__)
        return 2
    missing = [p for p in [CDX_SCHEMA, SPDX_SCHEMA, *(SCHEMAS / n for n in CDX_REFS)]
               if not p.exists()]
    if missing:
        print(f"SKIP: {', '.join(map(str, missing))} absent (CI has ../shared beside the checkout)")
        return 77
    cdx_v, spdx_v, licenses = load_validators()
    files = []
    for a in argv[1:]:
        p = pathlib.Path(a)
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    if not files:
        print("no SBOM files given")
        return 1
    failures = 0
    valid = []
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        if doc.get("bomFormat") == "CycloneDX":
            kind, validator, check = "CycloneDX", cdx_v, check_cdx
        elif "spdxVersion" in doc:
            kind, validator, check = "SPDX", spdx_v, check_spdx
        else:
            print(f"{f}: neither CycloneDX nor SPDX")
            failures += 1
            continue
        errs = problems(doc, validator, check, licenses)
        n = len(doc.get("components" if kind == "CycloneDX" else "packages", []))
        if not errs:
            valid.append((kind, doc))
        for e in errs[:20]:
            print(f"{f}: {e}")
        if len(errs) > 20:
            print(f"{f}: ... {len(errs) - 20} more")
        failures += bool(errs)
        print(f"{f}: {kind}, {n} components/packages: {'INVALID' if errs else 'valid'}")
    if selftest:
        failures += self_test(valid, {"CycloneDX": cdx_v, "SPDX": spdx_v}, licenses)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
