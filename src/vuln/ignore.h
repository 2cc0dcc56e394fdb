/* ignore.h - vulnerabilities a team has decided to accept, for now.
 *
 * Three places, all optional, all read from the directory vakt runs in (or named):
 *   .vaktignore   one entry per line:  ID [pkg:NAME] [exp:YYYY-MM-DD] [# reason]
 *   .trivyignore  Trivy's format:      ID [exp:YYYY-MM-DD]   ("#" starts a comment)
 *   .vakt.yaml    vulnerabilities: {ignore: [{id: ID, package: NAME, reason: TEXT,
 *                                             expires: YYYY-MM-DD}]}
 * An entry matches a finding by its ID or one of its aliases, and, when it names a
 * package, by the binary or source package name. An entry past its expiry date no
 * longer applies, and says so once per run (the finding is reported again), so an
 * accepted risk cannot silently outlive its review date.
 */
#ifndef VAKT_VULN_IGNORE_H
#define VAKT_VULN_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/config.h"
#include "core/error.h"
#include "vuln/match.h"

typedef struct vakt_vignore_entry {
	char *id;
	char *package;  /* or NULL: any package */
	char *reason;   /* or NULL */
	time_t expires; /* end of that day (UTC), or 0: never */
	char *file;
	unsigned line;
	bool expired_noted;
} vakt_vignore_entry;

typedef struct vakt_vignore {
	vakt_vignore_entry *items;
	size_t n, cap;
} vakt_vignore;

void vakt_vignore_init(vakt_vignore *ig);
void vakt_vignore_free(vakt_vignore *ig);

/* Read a .vaktignore or .trivyignore file (trivy: pkg: is refused, as Trivy has none).
 * VAKT_E_NOTFOUND when absent; VAKT_E_PARSE with file:line for a bad line. */
int vakt_vignore_load_file(vakt_vignore *ig, const char *path, bool trivy, vakt_error **err);

/* Read the `vulnerabilities:` key of a loaded .vakt.yaml (absent: nothing). Unknown keys
 * under it are errors with file:line. */
int vakt_vignore_load_config(vakt_vignore *ig, const vakt_config *c, vakt_error **err);

/* Does an entry (not expired at now) cover f? Returns it, or NULL. An expired entry that
 * would have matched is passed to on_expired once. */
const vakt_vignore_entry *vakt_vignore_match(vakt_vignore *ig, const vakt_vfinding *f, time_t now,
					     void (*on_expired)(const vakt_vignore_entry *e, void *ud),
					     void *ud);

#endif
