/* sbom.h - software bills of materials and package URLs for a scanned image.
 *
 * Both writers are deterministic: components in vakt_pkg_list_sort order, no wall-clock
 * time. Where a format demands an identifier or a timestamp, it is derived from the image
 * (the serial number and SPDX namespace from the image digest, the creation time from
 * the image config's "created", else SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z), so
 * scanning the same image twice gives the same bytes.
 */
#ifndef VAKT_IMAGE_SBOM_H
#define VAKT_IMAGE_SBOM_H

#include <stdio.h>

#include "core/arena.h"
#include "image/image.h"

/* The package URL of p (https://github.com/package-url/purl-spec), in arena:
 *   pkg:deb/debian/curl@7.88.1-10%2Bdeb12u8?arch=amd64&distro=debian-12
 *   pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12
 *   pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1
 *   pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1
 * The namespace is the os-release ID, lower case (rpm: "rhel" is written "redhat", the
 * vendor, as the purl-spec rpm type and Syft do; openSUSE and SLE IDs become "opensuse"
 * and "suse"). Without an ID, deb packages get "debian" and apk packages "alpine" (the
 * purl-spec defaults for those types); rpm packages get no namespace, because an rpm
 * database alone does not say which vendor built it and a wrong one would send
 * consumers to the wrong advisories (Syft does the same).
 * Qualifiers, sorted: arch (when recorded), distro "<ID>-<VERSION_ID>" (VERSION_ID, else
 * the precise version; just "<ID>" when neither is known; absent without an ID), epoch
 * (rpm with an epoch in its header; the rpm version is "version-release" without it).
 * dpkg versions keep their "epoch:" as the purl-spec deb vectors do. Name, version,
 * namespace and qualifier values are percent-encoded per the spec: everything but
 * A-Z a-z 0-9 . - _ ~ and ':' (which the spec says must never be encoded), so '+' is
 * %2B, ' ' %20 and '/' %2F. Never NULL. */
const char *vakt_purl(const vakt_pkg *p, const vakt_os_info *os, vakt_arena *arena);

/* CycloneDX 1.6 JSON: metadata.component is the image (type container), an
 * operating-system component, one library component per package (purl, licences,
 * source package, layer and package type as properties), and the dependency graph:
 * image -> operating system and every package. */
void vakt_sbom_cyclonedx(FILE *out, const vakt_image *img);

/* The same, with more top-level members written by extra (after "dependencies"): the
 * vulnerabilities of `vakt image -f cyclonedx`. ref(p, doc) gives the bom-ref of one of
 * img's packages (NULL if it has none), for "affects". */
struct jsonw;
typedef const char *(*vakt_sbom_ref_fn)(const vakt_pkg *p, void *doc);
typedef void (*vakt_sbom_extra_fn)(struct jsonw *w, vakt_sbom_ref_fn ref, void *doc, void *ud);
void vakt_sbom_cyclonedx_with(FILE *out, const vakt_image *img, vakt_sbom_extra_fn extra, void *ud);

/* SPDX 2.3 JSON: the image as the described package, an operating-system package, one
 * package per OS package with a purl external reference, CONTAINS relationships from
 * the image to each. Licences that are valid SPDX expressions are used as
 * licenseDeclared; anything else becomes a LicenseRef- with the original text in
 * hasExtractedLicensingInfos (each declared once). */
void vakt_sbom_spdx(FILE *out, const vakt_image *img);

/* ---- shared by the two writers (and exposed for tests) ------------------------------- */

/* What both documents derive from an image: the packages in vakt_pkg_list_sort order
 * (ties broken by every other field, so the order never depends on the input's), their
 * package URLs, a reference per package unique within the document (the purl, with a
 * "package-id=N" qualifier added to the second and later of identical purls), the
 * identity the document UUIDs are derived from (the image digest; for an image without
 * one, a SHA-256 over its name and package URLs), and the creation time as
 * "YYYY-MM-DDThh:mm:ssZ". */
typedef struct vakt_sbom_doc {
	const vakt_image *img;
	const vakt_pkg **pkgs;
	const char **purls;
	const char **refs;
	size_t n;
	const char *identity;
	char created[32];
	vakt_arena arena; /* every string above; freed by vakt_sbom_doc_free */
} vakt_sbom_doc;

void vakt_sbom_doc_init(vakt_sbom_doc *d, const vakt_image *img);
void vakt_sbom_doc_free(vakt_sbom_doc *d);

/* The indexes 0..n-1 sorted by strs[i] (bytewise), ties by index: how the writers find
 * duplicates in O(n log n). A malloc'd array the caller frees. */
size_t *vakt_sbom_sorted_index(const char *const *strs, size_t n);

/* The document time: the image config's "created" (RFC 3339, any offset, converted to
 * UTC, fractions dropped), else $SOURCE_DATE_EPOCH (decimal seconds), else the epoch;
 * written to out as "YYYY-MM-DDThh:mm:ssZ". Values before 1970 or after 9999 fall
 * through to the next source. */
void vakt_sbom_time(const vakt_image *img, char out[32]);

/* A name-based (version 5, SHA-1) UUID of name in the URL namespace, lower-case
 * "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" into out. */
void vakt_uuid5(const char *name, char out[37]);

/* The SPDX licence expression in text, canonicalised (known identifiers in their SPDX
 * spelling, operators upper case, single spaces), in arena; NULL when text is not one.
 * Valid: identifiers from vakt's table of SPDX licence and exception IDs (matched
 * case-insensitively, as SPDX asks), a licence optionally followed by '+', AND, OR,
 * "licence WITH exception", parentheses (nested at most 32 deep). Unknown identifiers
 * (DEP-5's "GPL-2+", rpm's "GPLv2+"), lower-case operators ("and"), LicenseRef- and
 * DocumentRef- references (a reference would need declaring) and anything over 4096
 * bytes are not, and the writers record such text as a named licence / LicenseRef. */
const char *vakt_spdx_license_expr(const char *text, vakt_arena *arena);

/* The LicenseRef- ID the SPDX writer gives a licence text that is not an expression:
 * "LicenseRef-" and the text with runs of characters outside [A-Za-z0-9.-] made one
 * '-' ('+' spelled "-plus"), at most 64 characters of it, in arena. Distinct texts that
 * come out the same are told apart by the writer. */
const char *vakt_spdx_license_ref(const char *text, vakt_arena *arena);

#endif
