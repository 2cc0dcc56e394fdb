/* fuzz_osrel.c - libFuzzer target for OS detection, package URLs and the SBOM writers.
 *
 * The input goes through vakt_os_detect three ways: whole, as os-release; split at NUL
 * bytes into os-release, alpine-release, debian_version and redhat-release; and those
 * release files without an os-release. The detected OS and packages whose name,
 * version, licence and maintainer come from the input then go through vakt_purl and both
 * SBOM writers. Checked: every string of the OS info is readable and ID lower case; a
 * VERSION_ID implies a version and an ID a source; a purl uses only the characters the
 * purl-spec allows; licence canonicalisation is idempotent; both documents are valid
 * JSON (parsed back with jansson); SPDX element and LicenseRef IDs are well-formed and
 * unique, every LicenseRef used is declared once, suppliers name someone. A violation
 * aborts. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "image/image.h"
#include "image/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void check_os(const vakt_os_info *os)
{
	touch(os->id);
	touch(os->version_id);
	touch(os->version);
	touch(os->codename);
	touch(os->pretty_name);
	touch(os->id_like);
	touch(os->source);
	if (os->id)
		for (const char *p = os->id; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
	if (os->version_id && !os->version)
		abort();
	if (os->id && !os->source)
		abort();
}

static void check_purl(const char *purl)
{
	if (strncmp(purl, "pkg:", 4) != 0)
		abort();
	for (const char *p = purl; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~:%/@?=&",
			    *p))
			abort();
}

static bool spdx_idstring(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n) != 0 || !s[n])
		return false;
	for (s += n; *s; s++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-", *s))
			return false;
	return true;
}

/* SPDX: element IDs and LicenseRef IDs well-formed and unique, each LicenseRef used
 * declared, suppliers naming someone. */
static void check_spdx(json_t *doc)
{
	json_t *pkgs = json_object_get(doc, "packages"), *lics =
		json_object_get(doc, "hasExtractedLicensingInfos");
	size_t i, k;
	json_t *p, *q;
	json_array_foreach(pkgs, i, p) {
		const char *id = json_string_value(json_object_get(p, "SPDXID"));
		if (!id || !spdx_idstring(id, "SPDXRef-"))
			abort();
		for (k = 0; k < i; k++)
			if (!strcmp(id, json_string_value(json_object_get(json_array_get(pkgs, k), "SPDXID"))))
				abort();
		const char *sup = json_string_value(json_object_get(p, "supplier"));
		if (sup && strcmp(sup, "NOASSERTION") != 0) {
			const char *colon = strchr(sup, ':');
			if (!colon || strspn(colon + 1, " ") == strlen(colon + 1))
				abort();
		}
		const char *decl = json_string_value(json_object_get(p, "licenseDeclared"));
		if (decl && !strncmp(decl, "LicenseRef-", 11)) {
			int found = 0;
			json_array_foreach(lics, k, q)
				found += !strcmp(decl, json_string_value(json_object_get(q, "licenseId")));
			if (found != 1)
				abort();
		}
	}
	json_array_foreach(lics, i, p) {
		const char *id = json_string_value(json_object_get(p, "licenseId"));
		if (!id || !spdx_idstring(id, "LicenseRef-"))
			abort();
		for (k = 0; k < i; k++)
			if (!strcmp(id, json_string_value(json_object_get(json_array_get(lics, k), "licenseId"))))
				abort();
	}
}

static void check_json(void (*writer)(FILE *, const vakt_image *), const vakt_image *img)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	writer(f, img);
	fclose(f);
	json_error_t e;
	json_t *j = json_loadb(buf, len, 0, &e);
	if (!j) {
		fprintf(stderr, "invalid JSON: %s at %d:%d\n", e.text, e.line, e.column);
		abort();
	}
	if (json_object_get(j, "spdxVersion"))
		check_spdx(j);
	json_decref(j);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	vakt_os_info os;

	vakt_os_detect(&os, &a, in, size, "etc/os-release", NULL, 0, NULL, 0, NULL, 0);
	check_os(&os);

	/* split at NUL: os-release, alpine-release, debian_version, redhat-release */
	const char *part[4] = {NULL, NULL, NULL, NULL};
	size_t plen[4] = {0, 0, 0, 0};
	size_t np = 0, start = 0;
	for (size_t i = 0; i <= size && np < 4; i++) {
		if (i == size || data[i] == '\0') {
			part[np] = in + start;
			plen[np] = i - start;
			np++;
			start = i + 1;
		}
	}
	vakt_os_detect(&os, &a, part[0], plen[0], "usr/lib/os-release", part[1], plen[1], part[2],
		       plen[2], part[3], plen[3]);
	check_os(&os);
	vakt_os_detect(&os, &a, NULL, 0, NULL, part[1], plen[1], part[2], plen[2], part[3], plen[3]);
	check_os(&os);

	/* packages made of the parts, under the OS found in them */
	vakt_os_detect(&os, &a, part[0], plen[0], NULL, part[1], plen[1], part[2], plen[2], part[3],
		       plen[3]);
	const char *s[4];
	for (size_t i = 0; i < 4; i++)
		s[i] = part[i] ? vakt_arena_strndup(&a, part[i], plen[i]) : "";
	const char *whole = vakt_arena_strndup(&a, in, size); /* up to the first NUL */

	vakt_pkg pk[4];
	memset(pk, 0, sizeof(pk));
	for (size_t i = 0; i < 4; i++) {
		pk[i].type = (vakt_pkg_type)(i % 3);
		pk[i].name = s[i];
		pk[i].version = s[(i + 1) % 4];
		pk[i].arch = i == 3 ? NULL : s[(i + 2) % 4];
		pk[i].src_name = pk[i].name;
		pk[i].src_version = pk[i].version;
		pk[i].license = i == 3 ? whole : s[(i + 3) % 4];
		pk[i].maintainer = s[i];
		pk[i].has_epoch = size > 0 && (data[0] & 1);
		pk[i].epoch = size > 1 ? data[1] : 0;
		pk[i].rpm_version = i == 2 ? s[1] : NULL;
		pk[i].rpm_release = i == 2 ? s[2] : NULL;
		pk[i].layer = (int)i - 1;
		check_purl(vakt_purl(&pk[i], &os, &a));
	}
	/* canonical licence expressions canonicalise to themselves */
	for (size_t i = 0; i < 4; i++) {
		const char *e = vakt_spdx_license_expr(pk[i].license, &a);
		if (e) {
			const char *e2 = vakt_spdx_license_expr(e, &a);
			if (!e2 || strcmp(e, e2) != 0)
				abort();
		}
		touch(vakt_spdx_license_ref(pk[i].license, &a));
	}

	vakt_image img;
	memset(&img, 0, sizeof(img));
	vakt_image_layer layer = {.diff_id = s[0]};
	img.ref = s[3];
	img.name = s[0];
	img.digest = size > 2 && (data[2] & 1) ? s[1] : NULL;
	img.config.created = s[2];
	img.layers = &layer;
	img.nlayers = 1;
	img.os = os;
	img.pkgs.items = pk;
	img.pkgs.n = img.pkgs.cap = 4;
	check_json(vakt_sbom_cyclonedx, &img);
	check_json(vakt_sbom_spdx, &img);

	vakt_arena_destroy(&a);
	return 0;
}
