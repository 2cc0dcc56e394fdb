/* fuzz_ociconfig.c - vakt oci's config.json reader (src/oci/config.c): the whole config,
 * then the same JSON as an exec process object and as a resources object, as
 * `exec --process` and `update -r` read them. A parse must succeed or fail with a
 * message; every field read must be within its documented bounds. Abort on violation. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_config(const vakt_oci_config *c)
{
	if (!c->root_path || !c->process.args || !c->process.args[0] || !c->process.cwd || c->process.cwd[0] != '/')
		abort();
	if (c->nmounts > VAKT_OCI_MAX_ITEMS || c->ndevices > VAKT_OCI_MAX_ITEMS)
		abort();
	for (size_t i = 0; i < c->nmounts; i++)
		if (!c->mounts[i].destination || c->mounts[i].destination[0] != '/' ||
		    (c->mounts[i].bind && (!c->mounts[i].source || c->mounts[i].source[0] != '/')))
			abort();
	for (size_t i = 0; i < c->ndevices; i++)
		if (strncmp(c->devices[i].path, "/dev/", 5) != 0)
			abort();
	for (size_t i = 0; i < c->nsysctl; i++)
		if (strstr(c->sysctl_keys[i], ".."))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 20))
		return 0;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return 0;
	vakt_error *err = NULL;
	vakt_oci_config *c = NULL;
	if (vakt_oci_config_parse(j, "/bundle", "config.json", &c, &err) == 0)
		check_config(c);
	else if (!err || !err->msg)
		abort();
	vakt_oci_config_free(c);
	vakt_error_free(err);
	err = NULL;
	vakt_oci_process p;
	if (vakt_oci_process_parse(j, "process.json", &p, &err) == 0) {
		if (!p.args || !p.args[0] || !p.cwd)
			abort();
		vakt_oci_process_clear(&p);
	} else if (!err || !err->msg) {
		abort();
	}
	vakt_error_free(err);
	err = NULL;
	vakt_oci_resources r;
	if (vakt_oci_resources_parse(j, "resources.json", &r, &err) == 0) {
		if (r.cpu_quota == 0 || r.ndevices > VAKT_OCI_MAX_ITEMS)
			abort();
		vakt_oci_resources_clear(&r);
	} else if (!err || !err->msg) {
		abort();
	}
	vakt_error_free(err);
	json_decref(j);
	return 0;
}
