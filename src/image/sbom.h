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
 *   pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1
 *   pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&epoch=1&distro=rhel-9.3
 * The namespace is the os-release ID (deb packages without one: "debian"); qualifiers
 * are sorted; the version is percent-encoded per the spec (':' and '+' included). */
const char *vakt_purl(const vakt_pkg *p, const vakt_os_info *os, vakt_arena *arena);

/* CycloneDX 1.6 JSON: metadata.component is the image (type container), an
 * operating-system component, one library component per package (purl, licences,
 * source package as properties), and the dependency graph image -> packages. */
void vakt_sbom_cyclonedx(FILE *out, const vakt_image *img);

/* SPDX 2.3 JSON: the image as the described package, one package per OS package with a
 * purl external reference, CONTAINS relationships. Licences that are valid SPDX
 * expressions are used as licenseDeclared; anything else becomes a LicenseRef- with the
 * original text in hasExtractedLicensingInfos. */
void vakt_sbom_spdx(FILE *out, const vakt_image *img);

#endif
