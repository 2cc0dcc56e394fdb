/* manifest.c - docker-archive and OCI manifests, indexes and image configs.
 *
 * Every JSON document comes from the (untrusted) image: it is read with a size limit,
 * parsed by jansson (which bounds nesting), and every field is type-checked before use;
 * a digest becomes a path only through vakt_blob_path, which accepts nothing but a
 * well-formed digest.
 */
#include "image/manifest.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ANN_REF_NAME "org.opencontainers.image.ref.name"

/* jansson's own json_decrefp accepts NULL */
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

/* ---- helpers ----------------------------------------------------------------------- */

bool vakt_platform_parse(const char *s, vakt_platform *ret)
{
	memset(ret, 0, sizeof(*ret));
	char parts[3][32] = {{0}};
	size_t n = 0, l = 0;
	for (const char *p = s;; p++) {
		if (*p == '/' || !*p) {
			if (l == 0 || n >= 3)
				return false;
			parts[n][l] = '\0';
			n++, l = 0;
			if (!*p)
				break;
			continue;
		}
		if (l + 1 >= sizeof(parts[0]) || !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
						   *p == '_' || *p == '-' || *p == '.'))
			return false;
		parts[n][l++] = *p;
	}
	if (n == 1) {
		strcpy(ret->os, "linux");
		strcpy(ret->arch, parts[0]);
	} else {
		strcpy(ret->os, parts[0]);
		strcpy(ret->arch, parts[1]);
		if (n == 3)
			strcpy(ret->variant, parts[2]);
	}
	return true;
}

const char *vakt_ref_normalize(const char *ref)
{
	if (strncmp(ref, "docker.io/", 10) == 0)
		ref += 10;
	else if (strncmp(ref, "index.docker.io/", 16) == 0)
		ref += 16;
	if (strncmp(ref, "library/", 8) == 0)
		ref += 8;
	return ref;
}

static const char *jstr(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Parse a JSON document read from the image; errors carry file:line:col. */
static int parse_json(const char *data, size_t len, const char *file, json_t **ret, vakt_error **err)
{
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);
	if (!j)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, (unsigned)(je.line > 0 ? je.line : 0),
					 (unsigned)(je.column > 0 ? je.column : 0), "invalid JSON: %s", je.text);
	*ret = j;
	return 0;
}

static void sha256_hex(const char *data, size_t len, char out[72])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	strcpy(out, "sha256:");
	for (unsigned i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

/* Read a blob named by a descriptor, checking its size and (verify) its digest. */
static int read_blob(vakt_store *s, const char *display, const char *digest, int64_t size,
		     bool verify, char **ret, size_t *ret_len, char **ret_name, vakt_error **err)
{
	char *path = vakt_blob_path(digest);
	if (!path)
		return vakt_error_set_at(err, VAKT_E_INVALID, display, 0, 0,
					 "malformed digest \"%s\" in a descriptor", digest);
	char *data;
	size_t len;
	int r = vakt_store_read(s, path, VAKT_STORE_MAX_JSON, &data, &len, err);
	if (r < 0) {
		free(path);
		if (r == VAKT_E_NOTFOUND)
			return vakt_error_set(err, VAKT_E_NOTFOUND, "%s: the blob %s is missing", display, digest);
		return r;
	}
	if (size >= 0 && (uint64_t)size != len) {
		vakt_error_set(err, VAKT_E_INVALID, "%s: blob %s has %zu bytes, its descriptor says %lld",
			       display, digest, len, (long long)size);
		free(path), free(data);
		return VAKT_E_INVALID;
	}
	if (verify && strncmp(digest, "sha256:", 7) == 0) {
		char got[72];
		sha256_hex(data, len, got);
		if (strcmp(got, digest) != 0) {
			vakt_error_set(err, VAKT_E_INVALID, "%s: blob %s does not match its digest (it hashes to %s)",
				       display, digest, got);
			free(path), free(data);
			return VAKT_E_INVALID;
		}
	}
	*ret = data;
	*ret_len = len;
	if (ret_name)
		*ret_name = path;
	else
		free(path);
	return 0;
}

void vakt_plan_free(vakt_plan *p)
{
	free(p->name);
	free(p->manifest_digest);
	free(p->config_name);
	free(p->config_digest);
	free(p->legacy_config);
	for (size_t i = 0; i < p->nlayers; i++) {
		free(p->layers[i].name);
		free(p->layers[i].digest);
		free(p->layers[i].media_type);
	}
	free(p->layers);
	memset(p, 0, sizeof(*p));
}

static void plan_add_layer(vakt_plan *p, const char *name, const char *digest, const char *mt,
			   uint64_t size)
{
	p->layers = xreallocarray(p->layers, p->nlayers + 1, sizeof(*p->layers));
	vakt_plan_layer *l = &p->layers[p->nlayers++];
	l->name = xstrdup(name);
	l->digest = digest ? xstrdup(digest) : NULL;
	l->media_type = mt ? xstrdup(mt) : NULL;
	l->size = size;
}

/* "blobs/sha256/<hex>" -> "sha256:<hex>" (docker-archive written by Docker 25+). */
static char *digest_from_path(const char *name)
{
	if (strncmp(name, "blobs/", 6) != 0)
		return NULL;
	const char *alg = name + 6, *slash = strchr(alg, '/');
	if (!slash)
		return NULL;
	char *d = xasprintf("%.*s:%s", (int)(slash - alg), alg, slash + 1);
	char *check = vakt_blob_path(d);
	if (!check) {
		free(d);
		return NULL;
	}
	free(check);
	return d;
}

/* ---- docker-archive ------------------------------------------------------------------- */

static bool tag_matches(const char *have, const char *want)
{
	const char *h = vakt_ref_normalize(have), *w = vakt_ref_normalize(want);
	if (strcmp(h, w) == 0)
		return true;
	/* "minbase" names "example/bookworm:minbase" when it is the only such tag. */
	const char *colon = strrchr(h, ':');
	return colon && !strchr(w, ':') && !strchr(w, '/') && strcmp(colon + 1, w) == 0;
}

static int docker_manifest(vakt_store *s, const char *display, const char *tag, vakt_plan *p,
			   vakt_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = vakt_store_read(s, "manifest.json", VAKT_STORE_MAX_JSON, &data, &len, err);
	if (r < 0)
		return r;
	char *file = xasprintf("%s: manifest.json", display);
	_cleanup_json_ json_t *j = NULL;
	r = parse_json(data, len, file, &j, err);
	if (r < 0) {
		free(file);
		return r;
	}
	if (!json_is_array(j) || json_array_size(j) == 0) {
		vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "expected a non-empty array of images");
		free(file);
		return VAKT_E_INVALID;
	}
	const json_t *pick = NULL;
	size_t matches = 0;
	vakt_buf names = VAKT_BUF_INIT(4096);
	for (size_t i = 0; i < json_array_size(j); i++) {
		const json_t *im = json_array_get(j, i);
		const json_t *tags = json_object_get(im, "RepoTags");
		if (!tag) {
			pick = im;
			continue;
		}
		for (size_t t = 0; json_is_array(tags) && t < json_array_size(tags); t++) {
			const char *name = json_string_value(json_array_get(tags, t));
			if (!name)
				continue;
			vakt_buf_printf(&names, "%s%s", names.len ? ", " : "", name);
			if (tag_matches(name, tag)) {
				if (pick != im)
					matches++;
				pick = im;
				free(p->name);
				p->name = xstrdup(name);
			}
		}
	}
	if (!tag && json_array_size(j) > 1) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			const json_t *tags = json_object_get(json_array_get(j, i), "RepoTags");
			for (size_t t = 0; json_is_array(tags) && t < json_array_size(tags); t++)
				if (json_string_value(json_array_get(tags, t)))
					vakt_buf_printf(&names, "%s%s", names.len ? ", " : "",
							json_string_value(json_array_get(tags, t)));
		}
		vakt_error_set(err, VAKT_E_USAGE, "%s holds %zu images: name one as %s:TAG (tags: %s)",
			       display, json_array_size(j), display,
			       names.len ? vakt_buf_str(&names) : "none");
		vakt_buf_free(&names), free(file);
		return VAKT_E_USAGE;
	}
	if (!pick || (tag && matches == 0)) {
		vakt_error_set(err, VAKT_E_NOTFOUND, "%s: no image tagged %s (tags: %s)", display, tag,
			       names.len ? vakt_buf_str(&names) : "none");
		vakt_buf_free(&names), free(file);
		return VAKT_E_NOTFOUND;
	}
	if (tag && matches > 1) {
		vakt_error_set(err, VAKT_E_USAGE, "%s: %s names several images; give the full tag (tags: %s)",
			       display, tag, vakt_buf_str(&names));
		vakt_buf_free(&names), free(file);
		return VAKT_E_USAGE;
	}
	vakt_buf_free(&names);
	if (!tag) {
		const json_t *tags = json_object_get(pick, "RepoTags");
		if (json_is_array(tags) && json_string_value(json_array_get(tags, 0)))
			p->name = xstrdup(json_string_value(json_array_get(tags, 0)));
	}
	const char *config = jstr(pick, "Config");
	const json_t *layers = json_object_get(pick, "Layers");
	if (!config || !json_is_array(layers)) {
		vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
				  "an image entry lacks \"Config\" or \"Layers\"");
		free(file);
		return VAKT_E_INVALID;
	}
	if (json_array_size(layers) > VAKT_IMAGE_MAX_LAYERS) {
		vakt_error_set_at(err, VAKT_E_LIMIT, file, 0, 0, "more than %d layers", VAKT_IMAGE_MAX_LAYERS);
		free(file);
		return VAKT_E_LIMIT;
	}
	p->config_name = xstrdup(config);
	p->config_digest = digest_from_path(config);
	if (!p->config_digest) {
		/* "<hex>.json": the config's own digest, which Docker uses as the image ID */
		size_t cl = strlen(config);
		if (cl == 69 && strcmp(config + 64, ".json") == 0) {
			char *d = xasprintf("sha256:%.64s", config);
			char *chk = vakt_blob_path(d);
			if (chk)
				p->config_digest = d;
			else
				free(d);
			free(chk);
		}
	}
	const json_t *sources = json_object_get(pick, "LayerSources");
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const char *ln = json_string_value(json_array_get(layers, i));
		if (!ln) {
			vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "Layers[%zu] is not a string", i);
			free(file);
			return VAKT_E_INVALID;
		}
		if (!vakt_store_has(s, ln)) {
			vakt_error_set(err, VAKT_E_NOTFOUND, "%s: layer %zu (%s) named by manifest.json is missing",
				       display, i + 1, ln);
			free(file);
			return VAKT_E_NOTFOUND;
		}
		char *digest = digest_from_path(ln);
		const char *mt = NULL;
		if (digest && json_is_object(sources)) {
			const json_t *src = json_object_get(sources, digest);
			mt = jstr(src, "mediaType");
		}
		plan_add_layer(p, ln, digest, mt, 0);
		free(digest);
	}
	p->format = "docker-archive";
	free(file);
	return 0;
}

/* The layout of `docker save` before manifest.json existed (Docker < 1.10): a
 * repositories file names the top layer of each tag; each layer directory holds json (the
 * v1 image description, with "parent") and layer.tar. */
static int docker_legacy(vakt_store *s, const char *display, const char *tag, vakt_plan *p,
			 vakt_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = vakt_store_read(s, "repositories", VAKT_STORE_MAX_JSON, &data, &len, err);
	if (r < 0)
		return r;
	char *file = xasprintf("%s: repositories", display);
	_cleanup_json_ json_t *j = NULL;
	r = parse_json(data, len, file, &j, err);
	free(file);
	if (r < 0)
		return r;
	const char *top = NULL, *key;
	json_t *tags;
	size_t n = 0;
	json_object_foreach(j, key, tags) {
		const char *tk;
		json_t *id;
		json_object_foreach(tags, tk, id) {
			if (!json_is_string(id))
				continue;
			char *full = xasprintf("%s:%s", key, tk);
			if (!tag || tag_matches(full, tag)) {
				if (!top || strcmp(top, json_string_value(id)) != 0)
					n++;
				top = json_string_value(id);
				free(p->name);
				p->name = full;
			} else {
				free(full);
			}
		}
	}
	if (!top)
		return vakt_error_set(err, VAKT_E_NOTFOUND, "%s: %s", display,
				      tag ? "no image with that tag" : "the repositories file names no image");
	if (n > 1)
		return vakt_error_set(err, VAKT_E_USAGE, "%s holds several images: name one as %s:TAG",
				      display, display);
	/* Walk parents from the top; layers are then reversed to go base first. */
	char *id = xstrdup(top);
	char **chain = NULL;
	size_t nchain = 0;
	while (id) {
		if (nchain >= VAKT_IMAGE_MAX_LAYERS || strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64) {
			r = vakt_error_set(err, nchain >= VAKT_IMAGE_MAX_LAYERS ? VAKT_E_LIMIT : VAKT_E_INVALID,
					   "%s: layer chain too long or a malformed layer id", display);
			break;
		}
		char *jn = xasprintf("%s/json", id);
		char *ld;
		size_t ll;
		r = vakt_store_read(s, jn, VAKT_STORE_MAX_JSON, &ld, &ll, err);
		if (r < 0) {
			free(jn);
			break;
		}
		json_t *lj = NULL;
		char *lf = xasprintf("%s: %s", display, jn);
		r = parse_json(ld, ll, lf, &lj, err);
		free(lf);
		free(jn);
		if (r < 0) {
			free(ld);
			break;
		}
		if (nchain == 0)
			p->legacy_config = xstrdup(ld);
		free(ld);
		chain = xreallocarray(chain, nchain + 1, sizeof(*chain));
		chain[nchain++] = id;
		const char *parent = jstr(lj, "parent");
		id = parent && *parent ? xstrdup(parent) : NULL;
		json_decref(lj);
		for (size_t i = 0; id && i < nchain; i++)
			if (strcmp(chain[i], id) == 0) {
				r = vakt_error_set(err, VAKT_E_INVALID, "%s: the layer chain loops at %s", display, id);
				free(id);
				id = NULL;
			}
		if (r < 0)
			break;
	}
	if (r >= 0) {
		for (size_t i = nchain; i-- > 0;) {
			char *ln = xasprintf("%s/layer.tar", chain[i]);
			plan_add_layer(p, ln, NULL, NULL, 0);
			free(ln);
		}
		p->format = "docker-archive";
	}
	free(id);
	for (size_t i = 0; i < nchain; i++)
		free(chain[i]);
	free(chain);
	return r < 0 ? r : 0;
}

/* ---- OCI ------------------------------------------------------------------------------ */

static bool is_index_type(const char *mt)
{
	return mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0);
}

static bool is_manifest_type(const char *mt)
{
	return mt && (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0);
}

/* Attestation and signature manifests sit in indexes beside the images (buildx writes
 * them with platform unknown/unknown). */
static bool is_attestation(const json_t *desc)
{
	const json_t *ann = json_object_get(desc, "annotations");
	const char *rt = jstr(ann, "vnd.docker.reference.type");
	if (rt && strcmp(rt, "attestation-manifest") == 0)
		return true;
	const json_t *plat = json_object_get(desc, "platform");
	const char *os = jstr(plat, "os");
	return os && strcmp(os, "unknown") == 0;
}

static bool platform_matches(const json_t *desc, const vakt_platform *want)
{
	const json_t *plat = json_object_get(desc, "platform");
	if (!plat)
		return true; /* no platform given: take it */
	const char *os = jstr(plat, "os"), *arch = jstr(plat, "architecture");
	const char *variant = jstr(plat, "variant");
	if (!os || !arch || strcmp(os, want->os) != 0 || strcmp(arch, want->arch) != 0)
		return false;
	if (want->variant[0]) {
		/* arm64's variant is v8 when unspecified */
		const char *v = variant ? variant : (strcmp(arch, "arm64") == 0 ? "v8" : "");
		return strcmp(v, want->variant) == 0;
	}
	return true;
}

static void describe_platform(const json_t *desc, vakt_buf *b)
{
	const json_t *plat = json_object_get(desc, "platform");
	const char *os = jstr(plat, "os"), *arch = jstr(plat, "architecture");
	const char *variant = jstr(plat, "variant");
	vakt_buf_printf(b, "%s%s/%s%s%s", b->len ? ", " : "", os ? os : "?", arch ? arch : "?",
			variant ? "/" : "", variant ? variant : "");
}

static int oci_manifest(vakt_store *s, const char *display, const json_t *desc, bool verify,
			vakt_plan *p, vakt_error **err);

/* Choose a descriptor of an index: by ref name at the top (tag), then by platform. */
static int oci_index(vakt_store *s, const char *display, const json_t *idx, const char *file,
		     const char *tag, const vakt_platform *plat, bool verify, int depth, vakt_plan *p,
		     vakt_error **err)
{
	if (depth > VAKT_INDEX_MAX_DEPTH)
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: indexes nested deeper than %d", display,
				      VAKT_INDEX_MAX_DEPTH);
	const json_t *mans = json_object_get(idx, "manifests");
	if (!json_is_array(mans))
		return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "no \"manifests\" array");
	vakt_buf names = VAKT_BUF_INIT(4096), plats = VAKT_BUF_INIT(4096);
	const json_t *pick = NULL;
	bool ambiguous = false, tag_hit = false;

	for (size_t i = 0; i < json_array_size(mans); i++) {
		const char *name = jstr(json_object_get(json_array_get(mans, i), "annotations"), ANN_REF_NAME);
		if (name)
			vakt_buf_printf(&names, "%s%s", names.len ? ", " : "", name);
	}
	for (size_t i = 0; i < json_array_size(mans); i++) {
		const json_t *d = json_array_get(mans, i);
		if (!json_is_object(d) || is_attestation(d))
			continue;
		const char *name = jstr(json_object_get(d, "annotations"), ANN_REF_NAME);
		if (depth == 0 && tag) {
			if (!name || (strcmp(name, tag) != 0 && !tag_matches(name, tag)))
				continue;
			tag_hit = true;
		}
		describe_platform(d, &plats);
		if (!platform_matches(d, plat))
			continue;
		if (!pick) {
			pick = d;
		} else if (depth == 0 && !tag) {
			/* Two images that match: fine only if they are one name (a tag listed twice). */
			const char *pn = jstr(json_object_get(pick, "annotations"), ANN_REF_NAME);
			if (!name || !pn || strcmp(name, pn) != 0)
				ambiguous = true;
		}
	}
	int r = 0;
	if (depth == 0 && tag && !tag_hit)
		r = vakt_error_set(err, VAKT_E_NOTFOUND, "%s: no image named %s (names: %s)", display, tag,
				   names.len ? vakt_buf_str(&names) : "none");
	else if (ambiguous)
		r = vakt_error_set(err, VAKT_E_USAGE, "%s holds several images: name one as %s:NAME (names: %s)",
				   display, display, names.len ? vakt_buf_str(&names) : "none");
	else if (!pick)
		r = vakt_error_set(err, VAKT_E_NOTFOUND, "%s: no image for platform %s/%s%s%s (available: %s)",
				   display, plat->os, plat->arch, plat->variant[0] ? "/" : "", plat->variant,
				   plats.len ? vakt_buf_str(&plats) : "none");
	vakt_buf_free(&names);
	vakt_buf_free(&plats);
	if (r < 0)
		return r;
	const char *name = jstr(json_object_get(pick, "annotations"), ANN_REF_NAME);
	if (name && !p->name)
		p->name = xstrdup(name);

	const char *mt = jstr(pick, "mediaType");
	const char *digest = jstr(pick, "digest");
	if (!digest)
		return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "a descriptor has no digest");
	if (is_manifest_type(mt))
		return oci_manifest(s, display, pick, verify, p, err);
	/* An index, or a descriptor without a media type: look inside. */
	const json_t *sz = json_object_get(pick, "size");
	_cleanup_free_ char *data = NULL, *bname = NULL;
	size_t len;
	r = read_blob(s, display, digest, json_is_integer(sz) ? json_integer_value(sz) : -1, verify,
		      &data, &len, &bname, err);
	if (r < 0)
		return r;
	char *bfile = xasprintf("%s: %s", display, bname);
	_cleanup_json_ json_t *j = NULL;
	r = parse_json(data, len, bfile, &j, err);
	if (r >= 0) {
		const char *inner = jstr(j, "mediaType");
		if (is_index_type(mt) || is_index_type(inner) || json_object_get(j, "manifests"))
			r = oci_index(s, display, j, bfile, NULL, plat, verify, depth + 1, p, err);
		else if (json_object_get(j, "layers"))
			r = oci_manifest(s, display, pick, verify, p, err);
		else
			r = vakt_error_set_at(err, VAKT_E_INVALID, bfile, 0, 0,
					      "neither an image index nor an image manifest");
	}
	free(bfile);
	return r;
}

static int oci_manifest(vakt_store *s, const char *display, const json_t *desc, bool verify,
			vakt_plan *p, vakt_error **err)
{
	const char *digest = jstr(desc, "digest");
	const json_t *sz = json_object_get(desc, "size");
	_cleanup_free_ char *data = NULL, *bname = NULL;
	size_t len;
	int r = read_blob(s, display, digest, json_is_integer(sz) ? json_integer_value(sz) : -1,
			  verify, &data, &len, &bname, err);
	if (r < 0)
		return r;
	char *file = xasprintf("%s: %s", display, bname);
	_cleanup_json_ json_t *m = NULL;
	r = parse_json(data, len, file, &m, err);
	if (r < 0) {
		free(file);
		return r;
	}
	const json_t *cfg = json_object_get(m, "config");
	const json_t *layers = json_object_get(m, "layers");
	const char *cdigest = jstr(cfg, "digest");
	if (!cdigest || !json_is_array(layers)) {
		r = vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
				      "an image manifest needs \"config\" with a digest and \"layers\"");
		free(file);
		return r;
	}
	if (json_array_size(layers) > VAKT_IMAGE_MAX_LAYERS) {
		r = vakt_error_set_at(err, VAKT_E_LIMIT, file, 0, 0, "more than %d layers", VAKT_IMAGE_MAX_LAYERS);
		free(file);
		return r;
	}
	p->config_name = vakt_blob_path(cdigest);
	if (!p->config_name) {
		r = vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "malformed config digest \"%s\"", cdigest);
		free(file);
		return r;
	}
	p->config_digest = xstrdup(cdigest);
	p->manifest_digest = xstrdup(digest);
	for (size_t i = 0; i < json_array_size(layers); i++) {
		const json_t *l = json_array_get(layers, i);
		const char *ld = jstr(l, "digest");
		char *path = ld ? vakt_blob_path(ld) : NULL;
		if (!path) {
			r = vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
					      "layer %zu has no digest or a malformed one", i + 1);
			free(file);
			return r;
		}
		if (!vakt_store_has(s, path)) {
			r = vakt_error_set(err, VAKT_E_NOTFOUND, "%s: layer %zu (%s) named by the manifest is missing",
					   display, i + 1, ld);
			free(path);
			free(file);
			return r;
		}
		const json_t *lsz = json_object_get(l, "size");
		plan_add_layer(p, path, ld, jstr(l, "mediaType"),
			       json_is_integer(lsz) && json_integer_value(lsz) > 0 ? (uint64_t)json_integer_value(lsz) : 0);
		free(path);
	}
	free(file);
	return 0;
}

static int oci_layout(vakt_store *s, const char *display, const char *tag, const vakt_platform *plat,
		      bool verify, vakt_plan *p, vakt_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = vakt_store_read(s, "index.json", VAKT_STORE_MAX_JSON, &data, &len, err);
	if (r < 0)
		return r;
	char *file = xasprintf("%s: index.json", display);
	_cleanup_json_ json_t *j = NULL;
	r = parse_json(data, len, file, &j, err);
	if (r >= 0)
		r = oci_index(s, display, j, file, tag, plat, verify, 0, p, err);
	free(file);
	if (r >= 0)
		p->format = vakt_store_is_dir(s) ? "oci-layout" : "oci-archive";
	return r;
}

int vakt_plan_resolve(vakt_store *s, const char *display, const char *tag,
		      const vakt_platform *plat, bool verify, vakt_plan *ret, vakt_error **err)
{
	memset(ret, 0, sizeof(*ret));
	int r;
	if (vakt_store_has(s, "manifest.json"))
		r = docker_manifest(s, display, tag, ret, err);
	else if (vakt_store_has(s, "index.json"))
		r = oci_layout(s, display, tag, plat, verify, ret, err);
	else if (vakt_store_has(s, "repositories"))
		r = docker_legacy(s, display, tag, ret, err);
	else
		r = vakt_error_set(err, VAKT_E_INVALID,
				   "%s: not an image: no manifest.json (docker-archive), index.json (OCI) "
				   "or repositories (legacy docker-archive)", display);
	if (r < 0)
		vakt_plan_free(ret);
	return r;
}

/* ---- config --------------------------------------------------------------------------- */

static const char *const *str_array(vakt_arena *a, const json_t *arr)
{
	if (!json_is_array(arr))
		return NULL;
	size_t n = json_array_size(arr);
	const char **out = vakt_arena_calloc(a, n + 1, sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s)
			out[k++] = vakt_arena_strdup(a, s);
	}
	return out;
}

static const char *adup(vakt_arena *a, const char *s)
{
	return s ? vakt_arena_strdup(a, s) : NULL;
}

int vakt_config_parse(const char *json, size_t len, const char *file, vakt_image *img,
		      vakt_error **err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = parse_json(json, len, file, &j, err);
	if (r < 0)
		return r;
	if (!json_is_object(j))
		return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "an image config must be an object");
	vakt_arena *a = &img->arena;
	vakt_image_config *c = &img->config;
	const json_t *cfg = json_object_get(j, "config");
	if (!json_is_object(cfg))
		cfg = json_object_get(j, "container_config"); /* very old docker */
	c->created = adup(a, jstr(j, "created"));
	c->os = adup(a, jstr(j, "os"));
	c->architecture = adup(a, jstr(j, "architecture"));
	c->variant = adup(a, jstr(j, "variant"));
	if (json_is_object(cfg)) {
		const json_t *user = json_object_get(cfg, "User");
		c->user = json_is_string(user) ? adup(a, json_string_value(user)) : NULL;
		c->env = str_array(a, json_object_get(cfg, "Env"));
		c->entrypoint = str_array(a, json_object_get(cfg, "Entrypoint"));
		c->cmd = str_array(a, json_object_get(cfg, "Cmd"));
		c->workdir = adup(a, jstr(cfg, "WorkingDir"));
		json_t *ports = json_object_get(cfg, "ExposedPorts");
		if (json_is_object(ports)) {
			const char **out = vakt_arena_calloc(a, json_object_size(ports) + 1, sizeof(*out));
			size_t k = 0;
			const char *key;
			json_t *v;
			json_object_foreach(ports, key, v)
				out[k++] = vakt_arena_strdup(a, key);
			c->exposed = out;
		}
		json_t *labels = json_object_get(cfg, "Labels");
		if (json_is_object(labels)) {
			const char **out = vakt_arena_calloc(a, json_object_size(labels) + 1, sizeof(*out));
			size_t k = 0;
			const char *key;
			json_t *v;
			json_object_foreach(labels, key, v)
				if (json_is_string(v))
					out[k++] = vakt_arena_printf(a, "%s=%s", key, json_string_value(v));
			c->labels = out;
		}
		const json_t *hc = json_object_get(cfg, "Healthcheck");
		const json_t *test = json_object_get(hc, "Test");
		if (json_is_array(test) && json_array_size(test) > 0) {
			const char *t0 = json_string_value(json_array_get(test, 0));
			if (t0 && strcmp(t0, "NONE") == 0)
				c->healthcheck_none = true;
			else
				c->has_healthcheck = true;
		}
	}
	const json_t *hist = json_object_get(j, "history");
	if (json_is_array(hist) && json_array_size(hist) <= 100000) {
		c->nhistory = json_array_size(hist);
		c->history = vakt_arena_calloc(a, c->nhistory ? c->nhistory : 1, sizeof(*c->history));
		for (size_t i = 0; i < c->nhistory; i++) {
			const json_t *h = json_array_get(hist, i);
			c->history[i].created_by = adup(a, jstr(h, "created_by"));
			c->history[i].created = adup(a, jstr(h, "created"));
			c->history[i].empty_layer = json_is_true(json_object_get(h, "empty_layer"));
		}
	}
	const json_t *diffs = json_object_get(json_object_get(j, "rootfs"), "diff_ids");
	if (json_is_array(diffs) && json_array_size(diffs) == img->nlayers) {
		for (size_t i = 0; i < img->nlayers; i++)
			img->layers[i].diff_id = adup(a, json_string_value(json_array_get(diffs, i)));
	}
	/* History entries that made a layer, in order, describe the layers. */
	size_t li = 0;
	for (size_t i = 0; i < c->nhistory && li < img->nlayers; i++)
		if (!c->history[i].empty_layer)
			img->layers[li++].created_by = c->history[i].created_by;
	return 0;
}
