/* manifest.h - from a store to the list of layers of one image, and its config.
 *
 * Understands a docker-archive (manifest.json, or the legacy layout of per-layer
 * directories chained by "parent" with a repositories file) and an OCI image layout or
 * archive (index.json; nested indexes; multi-platform indexes resolved by platform;
 * several tagged images told apart by org.opencontainers.image.ref.name). The result is
 * a plan: the config's name in the store and each layer's name, digest, media type and
 * size, in order from the base layer up.
 */
#ifndef VAKT_IMAGE_MANIFEST_H
#define VAKT_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "image/image.h"
#include "image/store.h"

#define VAKT_INDEX_MAX_DEPTH 8   /* nested indexes */
#define VAKT_IMAGE_MAX_LAYERS 1000

typedef struct vakt_platform {
	char os[32], arch[32], variant[32]; /* variant "" when unspecified */
} vakt_platform;

/* Parse "linux/amd64", "linux/arm64/v8", "amd64" (os linux). false if malformed. */
bool vakt_platform_parse(const char *s, vakt_platform *ret);

typedef struct vakt_plan_layer {
	char *name;       /* member or path in the store */
	char *digest;     /* "sha256:..." when known (OCI, or a docker-archive blobs/ path) */
	char *media_type; /* or NULL */
	uint64_t size;    /* from the descriptor; 0 when unknown */
} vakt_plan_layer;

typedef struct vakt_plan {
	const char *format;     /* "docker-archive", "oci-layout", "oci-archive" */
	char *name;             /* the tag the image was found by, or NULL */
	char *manifest_digest;  /* OCI: digest of the image manifest */
	char *config_name;      /* member or path in the store */
	char *config_digest;    /* when known */
	char *legacy_config;    /* legacy docker-archive: the top layer's v1 JSON (the config) */
	vakt_plan_layer *layers;
	size_t nlayers;
} vakt_plan;

/* Decide which image of the store is meant (tag: NULL for "the only one") for the
 * platform, and list its parts. verify: check the digests of the JSON documents read
 * (index, manifests, config) against their descriptors. Errors name the store and file. */
int vakt_plan_resolve(vakt_store *s, const char *display, const char *tag,
		      const vakt_platform *plat, bool verify, vakt_plan *ret, vakt_error **err);

void vakt_plan_free(vakt_plan *p);

/* Parse an image config (OCI or docker) into img->config (strings in img->arena); the
 * diff IDs fill img->layers[i].diff_id when the counts agree, and history entries that
 * made a layer fill created_by. file names the config in messages. */
int vakt_config_parse(const char *json, size_t len, const char *file, vakt_image *img,
		      vakt_error **err);

/* Strip "docker.io/" and "library/" so "docker.io/library/nginx:1" equals "nginx:1". */
const char *vakt_ref_normalize(const char *ref);

#endif
