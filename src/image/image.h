/* image.h - `vakt image`: read a container image offline and inventory it.
 *
 * An image reference names a docker-archive (`docker save`), an OCI image layout
 * directory, an OCI archive (a tar of a layout), a plain rootfs directory, or "-" for a
 * docker-archive or OCI archive on stdin; "PATH:TAG" picks one of several tagged images.
 * The image is never unpacked: each layer is streamed once, the files that matter are
 * kept in memory (vakt_view), and the scanners read them from there.
 */
#ifndef VAKT_IMAGE_IMAGE_H
#define VAKT_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "image/pkg.h"

/* What the image runs: the OS it is built from. Strings NULL when unknown. */
typedef struct vakt_os_info {
	const char *id;          /* os-release ID: "debian", "alpine", "rhel", "ubuntu" */
	const char *version_id;  /* os-release VERSION_ID: "12", "3.19", "9.3" */
	const char *version;     /* the most precise version known: debian_version "12.8",
				  * alpine-release "3.19.1", else version_id */
	const char *codename;    /* VERSION_CODENAME: "bookworm" */
	const char *pretty_name; /* PRETTY_NAME */
	const char *id_like;     /* ID_LIKE */
	const char *source;      /* the file it came from: "etc/os-release" */
} vakt_os_info;

/* Read os-release (either location), alpine-release, debian_version, redhat-release
 * contents into *os; each argument may be NULL (file absent). Strings go to arena. */
void vakt_os_detect(vakt_os_info *os, vakt_arena *arena, const char *os_release,
		    size_t os_release_len, const char *os_release_path, const char *alpine_release,
		    size_t alpine_len, const char *debian_version, size_t debian_len,
		    const char *redhat_release, size_t redhat_len);

typedef struct vakt_image_layer {
	const char *digest;     /* blob digest "sha256:..." (as named by the manifest), or NULL */
	const char *diff_id;    /* uncompressed digest from the config's rootfs.diff_ids, or NULL */
	const char *media_type; /* or NULL */
	const char *compression; /* "gzip", "zstd", "none" (as found in the bytes) */
	uint64_t size;          /* blob bytes */
	const char *created_by; /* the history entry that made it, or NULL */
} vakt_image_layer;

/* The parts of the image config vakt reports on (OCI image config / docker config). */
typedef struct vakt_image_config {
	const char *user;      /* Config.User; NULL when absent, "" when empty */
	const char *const *env; /* Config.Env, NULL-terminated */
	const char *const *exposed; /* Config.ExposedPorts keys "80/tcp", NULL-terminated */
	const char *const *entrypoint, *const *cmd; /* NULL-terminated, NULL when absent */
	const char *workdir;
	bool has_healthcheck;  /* Config.Healthcheck with a test other than ["NONE"] */
	bool healthcheck_none; /* Healthcheck test ["NONE"]: disabled explicitly */
	const char *created;   /* RFC 3339, or NULL */
	const char *os, *architecture, *variant;
	const char *const *labels; /* "key=value", NULL-terminated */
	struct vakt_image_history {
		const char *created_by;
		const char *created;
		bool empty_layer;
	} *history;
	size_t nhistory;
} vakt_image_config;

typedef struct vakt_image {
	const char *ref;        /* as the user wrote it */
	const char *format;     /* "docker-archive", "oci-layout", "oci-archive", "rootfs" */
	const char *name;       /* the tag picked (RepoTags entry or ref.name), or NULL */
	const char *digest;     /* manifest digest (OCI) or config digest as image ID, or NULL */
	const char *config_digest;
	vakt_image_config config;
	vakt_image_layer *layers;
	size_t nlayers;
	vakt_os_info os;
	vakt_pkg_list pkgs;
	uint64_t bytes_read;    /* blob bytes consumed, for the summary */
	vakt_arena arena;       /* every string above */
} vakt_image;

typedef struct vakt_image_options {
	const char *platform;       /* "linux/amd64" (the default when NULL) */
	bool verify_digests;        /* check every blob against its digest */
	uint64_t max_uncompressed;  /* decompressed bytes allowed for the image; 0: default */
	/* Non-fatal problems: where ("layer 2 (sha256:ab12...)", a database path) and what. */
	void (*on_warning)(const char *where, unsigned line, const char *msg, void *ud);
	/* Progress while layers stream: layer (1-based) of nlayers, blob bytes read so far of
	 * total (0 when unknown); done once at the end. About every 100 ms. NULL: none. */
	void (*on_progress)(size_t layer, size_t nlayers, uint64_t bytes, uint64_t total,
			    bool done, void *ud);
	void *ud;
} vakt_image_options;

#define VAKT_IMAGE_DEFAULT_MAX_UNCOMPRESSED (32ULL << 30) /* 32 GiB */

/* Read the image named by ref (see the top of this file). Returns 0 and *ret, or a
 * negative code with *err: VAKT_E_USAGE for a reference that needs a tag, VAKT_E_NOTFOUND,
 * VAKT_E_PARSE / VAKT_E_INVALID / VAKT_E_LIMIT for a broken or hostile image. */
/* A reference as a path and an optional tag (*ret_tag NULL when none): "PATH:TAG" where
 * PATH exists, trying each ':' from the right ("dir/oci:curl", "a.tar:example/app:1.0");
 * skopeo's transport prefixes ("oci:DIR:TAG", "docker-archive:FILE") are accepted when
 * the reference does not name an existing path as it is. Both results are malloc'd. */
void vakt_image_split_ref(const char *ref, char **ret_path, char **ret_tag);

int vakt_image_scan(const char *ref, const vakt_image_options *opt, vakt_image **ret,
		    vakt_error **err);

vakt_image *vakt_image_free(vakt_image *img);

#endif
