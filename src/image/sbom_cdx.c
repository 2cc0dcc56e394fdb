/* sbom_cdx.c - CycloneDX 1.6 JSON for an image.
 *
 * The shape follows what Trivy and Syft emit for container images, so tools that read
 * theirs read this: metadata.component is the image (type "container"), one
 * "operating-system" component, and one "library" component per OS package (both tools
 * type OS packages "library": CycloneDX recommends it for reusable components whose
 * kind is not known better). vakt's own facts go in properties under "vakt:".
 */
#include "image/sbom.h"
#include "core/jsonw.h"

#include <stdbool.h>
#include <string.h>

#define CDX_VERSION_MAX 1024 /* the schema's maxLength for a component version */

static void prop(jsonw *w, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "name", name);
	jsonw_kv_str(w, "value", value);
	jsonw_obj_end(w);
}

static const char *type_name(vakt_pkg_type t)
{
	switch (t) {
	case VAKT_PKG_DPKG:
		return "dpkg";
	case VAKT_PKG_APK:
		return "apk";
	case VAKT_PKG_RPM:
		return "rpm";
	default:
		return "unknown";
	}
}

static void kv_opt_nonempty(jsonw *w, const char *key, const char *s)
{
	if (s && *s)
		jsonw_kv_str(w, key, s);
}

/* A version, unless it is longer than the schema allows (no real one is): the purl
 * still carries it. */
static void kv_version(jsonw *w, const char *v)
{
	if (v && *v && strlen(v) <= CDX_VERSION_MAX)
		jsonw_kv_str(w, "version", v);
}

/* licenses: a valid SPDX expression as the one expression, anything else as a named
 * licence with the text as recorded (the CycloneDX "id" form would need the
 * identifier to be on the schema's own list; an expression needs no such care). */
static void licenses(jsonw *w, const char *text, vakt_arena *a)
{
	if (!text)
		return;
	const char *s = text;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (!*s)
		return;
	const char *expr = vakt_spdx_license_expr(text, a);
	jsonw_key(w, "licenses");
	jsonw_arr_begin(w);
	jsonw_obj_begin(w);
	if (expr) {
		jsonw_kv_str(w, "expression", expr);
	} else {
		jsonw_key(w, "license");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "name", text);
		jsonw_obj_end(w);
	}
	jsonw_obj_end(w);
	jsonw_arr_end(w);
}

void vakt_sbom_cyclonedx(FILE *out, const vakt_image *img)
{
	vakt_sbom_cyclonedx_with(out, img, NULL, NULL);
}

/* The bom-ref of p among the document's packages (a linear scan: called once per
 * vulnerability). */
static const char *ref_of(const vakt_pkg *p, void *doc)
{
	const vakt_sbom_doc *d = doc;
	for (size_t i = 0; i < d->n; i++)
		if (d->pkgs[i] == p)
			return d->refs[i];
	return NULL;
}

void vakt_sbom_cyclonedx_with(FILE *out, const vakt_image *img, vakt_sbom_extra_fn extra, void *ud)
{
	vakt_sbom_doc d;
	vakt_sbom_doc_init(&d, img);
	vakt_arena *a = &d.arena;
	const char *name = img->name && *img->name ? img->name : img->ref && *img->ref ? img->ref : "image";
	bool have_os = img->os.id && *img->os.id;
	char uuid[37];
	vakt_uuid5(vakt_arena_printf(a, "https://vakt.invalid/cyclonedx/%s", d.identity), uuid);

	jsonw w;
	jsonw_init(&w, out, 2);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	jsonw_kv_str(&w, "bomFormat", "CycloneDX");
	jsonw_kv_str(&w, "specVersion", "1.6");
	jsonw_kv_str(&w, "serialNumber", vakt_arena_printf(a, "urn:uuid:%s", uuid));
	jsonw_kv_int(&w, "version", 1);

	jsonw_key(&w, "metadata");
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "timestamp", d.created);
	jsonw_key(&w, "tools");
	jsonw_obj_begin(&w);
	jsonw_key(&w, "components");
	jsonw_arr_begin(&w);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "type", "application");
	jsonw_kv_str(&w, "name", "vakt");
	jsonw_kv_str(&w, "version", VAKT_VERSION);
	jsonw_obj_end(&w);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_key(&w, "component");
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "bom-ref", "vakt:image");
	jsonw_kv_str(&w, "type", "container");
	jsonw_kv_str(&w, "name", name);
	jsonw_key(&w, "properties");
	jsonw_arr_begin(&w);
	prop(&w, "vakt:image:ref", img->ref);
	prop(&w, "vakt:image:format", img->format);
	prop(&w, "vakt:image:digest", img->digest);
	prop(&w, "vakt:image:config_digest", img->config_digest);
	prop(&w, "vakt:image:os", img->config.os);
	prop(&w, "vakt:image:architecture", img->config.architecture);
	prop(&w, "vakt:image:variant", img->config.variant);
	for (size_t i = 0; i < img->nlayers; i++)
		prop(&w, "vakt:image:layer_diff_id", img->layers[i].diff_id);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_obj_end(&w); /* metadata */

	jsonw_key(&w, "components");
	jsonw_arr_begin(&w);
	if (have_os) {
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "bom-ref", "vakt:os");
		jsonw_kv_str(&w, "type", "operating-system");
		jsonw_kv_str(&w, "name", img->os.id);
		kv_version(&w, img->os.version);
		kv_opt_nonempty(&w, "description", img->os.pretty_name);
		jsonw_key(&w, "properties");
		jsonw_arr_begin(&w);
		prop(&w, "vakt:os:version_id", img->os.version_id);
		prop(&w, "vakt:os:codename", img->os.codename);
		prop(&w, "vakt:os:id_like", img->os.id_like);
		prop(&w, "vakt:os:source", img->os.source);
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	for (size_t i = 0; i < d.n; i++) {
		const vakt_pkg *p = d.pkgs[i];
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "bom-ref", d.refs[i]);
		jsonw_kv_str(&w, "type", "library");
		kv_opt_nonempty(&w, "publisher", p->maintainer);
		jsonw_kv_str(&w, "name", p->name ? p->name : "");
		kv_version(&w, p->version);
		licenses(&w, p->license, a);
		jsonw_kv_str(&w, "purl", d.purls[i]);
		jsonw_key(&w, "properties");
		jsonw_arr_begin(&w);
		prop(&w, "vakt:package:type", type_name(p->type));
		prop(&w, "vakt:package:source_name", p->src_name);
		prop(&w, "vakt:package:source_version", p->src_version);
		prop(&w, "vakt:package:arch", p->arch);
		prop(&w, "vakt:package:database", p->db_path);
		if (p->layer >= 0) {
			prop(&w, "vakt:layer:index", vakt_arena_printf(a, "%d", p->layer));
			if ((size_t)p->layer < img->nlayers)
				prop(&w, "vakt:layer:diff_id", img->layers[p->layer].diff_id);
		}
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);

	/* What the image is made of. Packages get no entries of their own: vakt does not
	 * read package dependencies, and an entry without dependsOn would claim there are
	 * none (CycloneDX: "components that do not have their own dependencies MUST be
	 * declared as empty elements"), so they are left out, which means "unknown". */
	jsonw_key(&w, "dependencies");
	jsonw_arr_begin(&w);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "ref", "vakt:image");
	jsonw_key(&w, "dependsOn");
	jsonw_arr_begin(&w);
	if (have_os)
		jsonw_str(&w, "vakt:os");
	for (size_t i = 0; i < d.n; i++)
		jsonw_str(&w, d.refs[i]);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_arr_end(&w);
	if (extra)
		extra(&w, ref_of, &d, ud);
	jsonw_obj_end(&w);

	vakt_sbom_doc_free(&d);
}
