/* version.c - see version.h: the scheme table and dispatch. */
#include "vuln/version.h"

#include <string.h>

#include "core/cleanup.h"

typedef struct scheme {
	const char *name;
	const char *aliases[3];
	int (*check)(const char *v, vakt_error **err);
	int (*cmp)(const char *a, const char *b);
} scheme;

static const scheme schemes[VAKT_VS_COUNT] = {
	[VAKT_VS_DPKG] = {"dpkg", {"deb", "debian"}, vakt_dpkg_check, vakt_dpkg_cmp},
	[VAKT_VS_RPM] = {"rpm", {"redhat"}, vakt_rpm_check, vakt_rpm_cmp},
	[VAKT_VS_APK] = {"apk", {"alpine"}, vakt_apk_check, vakt_apk_cmp},
	[VAKT_VS_SEMVER] = {"semver", {"npm", "go", "golang"}, vakt_semver_check, vakt_semver_cmp},
	[VAKT_VS_PEP440] = {"pep440", {"pypi", "python"}, vakt_pep440_check, vakt_pep440_cmp},
};

bool vakt_vscheme_parse(const char *name, vakt_vscheme *ret)
{
	for (size_t i = 0; i < VAKT_VS_COUNT; i++) {
		bool hit = strcmp(name, schemes[i].name) == 0;
		for (size_t k = 0; !hit && k < VAKT_ARRAY_SIZE(schemes[i].aliases) && schemes[i].aliases[k]; k++)
			hit = strcmp(name, schemes[i].aliases[k]) == 0;
		if (hit) {
			*ret = (vakt_vscheme)i;
			return true;
		}
	}
	return false;
}

const char *vakt_vscheme_name(vakt_vscheme s)
{
	return s < VAKT_VS_COUNT ? schemes[s].name : "?";
}

int vakt_version_check(vakt_vscheme s, const char *v, vakt_error **err)
{
	return schemes[s].check(v, err);
}

int vakt_version_cmp(vakt_vscheme s, const char *a, const char *b)
{
	return schemes[s].cmp(a, b);
}
