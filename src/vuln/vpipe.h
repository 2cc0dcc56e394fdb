/* vpipe.h - importing a feed while the database is written, on two threads.
 *
 * Parsing a feed (JSON, YAML, zip) and writing it to SQLite cost about the same; on a
 * machine with two cores they overlap: the importer runs on a second thread and hands its
 * records over in bounded batches.
 */
#ifndef VAKT_VULN_VPIPE_H
#define VAKT_VULN_VPIPE_H

#include "core/error.h"
#include "vuln/db.h"
#include "vuln/vulnrec.h"

/* Import path (vakt_vimport_path) into the writer w. im supplies warn, ud and limits; its
 * sink is replaced (and im->sink/ud/warn are left changed); counts are filled as by
 * vakt_vimport_path. The warn function is called on the import thread. Returns 0, the
 * importer's error, or the writer's (then the import stopped early). */
int vakt_vimport_path_into(vakt_vimport *im, const char *path, vakt_vdb_writer *w, vakt_error **err);

#endif
