/* vpipe.c - see vpipe.h.
 *
 * PARTS importer threads parse (JSON, YAML, zip) the files of a directory in turns (file
 * i goes to thread i % PARTS) and hand copies of their records over in batches; the
 * calling thread writes them to SQLite in the walk's order: file 0 from thread 0, file 1
 * from thread 1, and so on, so the database is the same as a one-thread import would
 * make (the newest record of an ID wins, and "newest" must not depend on scheduling).
 * Each thread's queue holds at most QUEUE_MAX batches: memory stays bounded whichever
 * side is slower. Warnings are passed to the caller's function under a lock.
 */
#include "vuln/vpipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/xalloc.h"
#include "vuln/import.h"

#define BATCH_RECORDS 256 /* records in one batch */
#define BATCH_ENDS 256    /* file ends in one batch: one-record files fill batches too */
#define QUEUE_MAX 8

typedef struct batch {
	vakt_arena arena;      /* every string and array of the records */
	vakt_vrecord *recs;
	const char **files;
	unsigned *lines;
	size_t n;
	size_t ends[BATCH_ENDS]; /* a file ends after this many records of the batch */
	size_t nends;
	struct batch *next;
} batch;

typedef struct part_state part_state;

typedef struct pipe_state {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	bool stop;          /* the writer failed: the importers should stop */
	vakt_vwarn_fn warn; /* the caller's, called under mu */
	void *warn_ud;
	const char *path;
} pipe_state;

struct part_state {
	pipe_state *pipe;
	vakt_vimport im;    /* this thread's copy of the caller's */
	batch *head, *tail; /* queued */
	size_t queued;
	batch *cur;         /* being filled */
	batch *reading;     /* the writer's: popped, partly written */
	size_t ri, ei;      /* the writer's cursor in it: records written, ends passed */
	bool done;
	int r;
	vakt_error *err;
	pthread_t th;
};

/* ---- copying a record (its strings live only during the sink call) ---------------------- */

static const char *cp(vakt_arena *a, const char *s)
{
	return s ? vakt_arena_strdup(a, s) : NULL;
}

static const char *const *cps(vakt_arena *a, const char *const *v, size_t n)
{
	if (!n)
		return NULL;
	const char **out = vakt_arena_calloc(a, n, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = cp(a, v[i]);
	return out;
}

static void copy_record(vakt_arena *a, vakt_vrecord *d, const vakt_vrecord *s)
{
	*d = *s;
	d->source = cp(a, s->source);
	d->id = cp(a, s->id);
	d->aliases = cps(a, s->aliases, s->naliases);
	d->summary = cp(a, s->summary);
	d->published = cp(a, s->published);
	d->modified = cp(a, s->modified);
	d->withdrawn = cp(a, s->withdrawn);
	d->refs = cps(a, s->refs, s->nrefs);
	d->upstream = cps(a, s->upstream, s->nupstream);
	d->related = cps(a, s->related, s->nrelated);
	if (s->nseverity) {
		vakt_vseverity *sv = vakt_arena_calloc(a, s->nseverity, sizeof(*sv));
		for (size_t i = 0; i < s->nseverity; i++) {
			sv[i] = s->severity[i];
			sv[i].type = cp(a, s->severity[i].type);
			sv[i].score = cp(a, s->severity[i].score);
		}
		d->severity = sv;
	}
	if (s->naffected) {
		vakt_vaffected *af = vakt_arena_calloc(a, s->naffected, sizeof(*af));
		for (size_t i = 0; i < s->naffected; i++) {
			const vakt_vaffected *x = &s->affected[i];
			af[i] = *x;
			af[i].ecosystem = cp(a, x->ecosystem);
			af[i].package = cp(a, x->package);
			af[i].versions = cps(a, x->versions, x->nversions);
			af[i].status = cp(a, x->status);
			af[i].severity = cp(a, x->severity);
			if (x->nranges) {
				vakt_vrange *rg = vakt_arena_calloc(a, x->nranges, sizeof(*rg));
				for (size_t k = 0; k < x->nranges; k++) {
					rg[k] = x->ranges[k];
					if (x->ranges[k].nevents) {
						vakt_vevent *ev = vakt_arena_calloc(a, x->ranges[k].nevents, sizeof(*ev));
						for (size_t e = 0; e < x->ranges[k].nevents; e++) {
							ev[e] = x->ranges[k].events[e];
							ev[e].version = cp(a, x->ranges[k].events[e].version);
						}
						rg[k].events = ev;
					}
				}
				af[i].ranges = rg;
			}
		}
		d->affected = af;
	}
}

static batch *batch_new(void)
{
	batch *b = xcalloc(1, sizeof(*b));
	vakt_arena_init(&b->arena, 0);
	b->recs = xcalloc(BATCH_RECORDS, sizeof(*b->recs));
	b->files = xcalloc(BATCH_RECORDS, sizeof(*b->files));
	b->lines = xcalloc(BATCH_RECORDS, sizeof(*b->lines));
	return b;
}

static void batch_free(batch *b)
{
	vakt_arena_destroy(&b->arena);
	free(b->recs);
	free(b->files);
	free(b->lines);
	free(b);
}

/* ---- the importers' side -------------------------------------------------------------------- */

/* Queue the current batch, waiting while the queue is full. false when the writer
 * failed. */
static bool push(part_state *ps)
{
	pipe_state *p = ps->pipe;
	batch *b = ps->cur;
	ps->cur = NULL;
	pthread_mutex_lock(&p->mu);
	while (ps->queued >= QUEUE_MAX && !p->stop)
		pthread_cond_wait(&p->changed, &p->mu);
	bool ok = !p->stop;
	if (ok) {
		if (ps->tail)
			ps->tail->next = b;
		else
			ps->head = b;
		ps->tail = b;
		ps->queued++;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->mu);
	if (!ok)
		batch_free(b);
	return ok;
}

static int producer_sink(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	part_state *ps = ud;
	if (!ps->cur)
		ps->cur = batch_new();
	batch *b = ps->cur;
	copy_record(&b->arena, &b->recs[b->n], rec);
	b->files[b->n] = cp(&b->arena, file);
	b->lines[b->n] = line;
	if (++b->n == BATCH_RECORDS && !push(ps))
		return VAKT_E_IO; /* the writer failed and said why: stop parsing */
	return 0;
}

/* A file of this part is done: mark it in the batch (the writer then turns to the other
 * part); batches are queued when full, not per file, to keep the threads from waking
 * each other for every small file. */
static void producer_file_end(void *ud)
{
	part_state *ps = ud;
	if (!ps->cur)
		ps->cur = batch_new();
	ps->cur->ends[ps->cur->nends++] = ps->cur->n;
	if (ps->cur->nends == BATCH_ENDS)
		push(ps);
}

static void producer_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	part_state *ps = ud;
	pthread_mutex_lock(&ps->pipe->mu);
	ps->pipe->warn(file, line, msg, ps->pipe->warn_ud);
	pthread_mutex_unlock(&ps->pipe->mu);
}

static void *producer(void *ud)
{
	part_state *ps = ud;
	vakt_error *err = NULL;
	int r = vakt_vimport_path(&ps->im, ps->pipe->path, &err);
	if (ps->cur)
		push(ps);
	pthread_mutex_lock(&ps->pipe->mu);
	ps->done = true;
	ps->r = r;
	ps->err = err;
	pthread_cond_broadcast(&ps->pipe->changed);
	pthread_mutex_unlock(&ps->pipe->mu);
	return NULL;
}

/* ---- the writer's side ---------------------------------------------------------------------- */

#define PARTS 2

int vakt_vimport_path_into(vakt_vimport *im, const char *path, vakt_vdb_writer *w, vakt_error **err)
{
	pipe_state p = {.warn = im->warn, .warn_ud = im->ud, .path = path};
	part_state parts[PARTS];
	memset(parts, 0, sizeof(parts));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.changed, NULL);
	size_t started = 0;
	for (size_t k = 0; k < PARTS; k++) {
		part_state *ps = &parts[k];
		ps->pipe = &p;
		ps->im = *im;
		ps->im.sink = producer_sink;
		ps->im.warn = im->warn ? producer_warn : NULL;
		ps->im.ud = ps;
		ps->im.part = (unsigned)k;
		ps->im.nparts = PARTS;
		ps->im.file_end = producer_file_end;
		ps->im.records = ps->im.skipped = ps->im.warnings = 0;
		if (pthread_create(&ps->th, NULL, producer, ps) != 0)
			break;
		started++;
	}
	int wr = 0;
	if (started < PARTS) {
		wr = vakt_error_set(err, VAKT_E_IO, "%s: cannot start the import threads", path);
		pthread_mutex_lock(&p.mu);
		p.stop = true;
		pthread_cond_broadcast(&p.changed);
		pthread_mutex_unlock(&p.mu);
	}
	/* in the walk's order: the files of part 0, 1, 0, 1, ... */
	for (size_t k = 0; started == PARTS && wr >= 0;) {
		part_state *ps = &parts[k];
		if (!ps->reading) {
			pthread_mutex_lock(&p.mu);
			while (!ps->head && !ps->done)
				pthread_cond_wait(&p.changed, &p.mu);
			batch *b = ps->head;
			if (b) {
				ps->head = b->next;
				if (!ps->head)
					ps->tail = NULL;
				ps->queued--;
				pthread_cond_broadcast(&p.changed);
			}
			pthread_mutex_unlock(&p.mu);
			if (!b)
				break; /* this part has no next file: neither has the other */
			ps->reading = b;
			ps->ri = ps->ei = 0;
		}
		batch *b = ps->reading;
		size_t limit = ps->ei < b->nends ? b->ends[ps->ei] : b->n;
		while (ps->ri < limit && wr >= 0) {
			wr = vakt_vdb_writer_add(&b->recs[ps->ri], b->files[ps->ri], b->lines[ps->ri], w);
			ps->ri++;
		}
		if (ps->ei < b->nends) {
			ps->ei++; /* its file is done: the next file is the other part's */
			k = (k + 1) % PARTS;
		}
		if (ps->ri == b->n && ps->ei == b->nends) {
			batch_free(b);
			ps->reading = NULL;
		}
	}
	if (wr < 0) {
		pthread_mutex_lock(&p.mu);
		p.stop = true;
		pthread_cond_broadcast(&p.changed);
		pthread_mutex_unlock(&p.mu);
	}
	int r = 0;
	vakt_error *perr = NULL;
	for (size_t k = 0; k < started; k++) {
		part_state *ps = &parts[k];
		pthread_join(ps->th, NULL);
		for (batch *b = ps->head; b;) { /* left after a stop */
			batch *next = b->next;
			batch_free(b);
			b = next;
		}
		if (ps->cur)
			batch_free(ps->cur);
		if (ps->reading)
			batch_free(ps->reading);
		im->records += ps->im.records;
		im->skipped += ps->im.skipped;
		im->warnings += ps->im.warnings;
		if (ps->r < 0 && !perr) {
			r = ps->r;
			perr = ps->err;
		} else {
			vakt_error_free(ps->err);
		}
	}
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.changed);
	if (wr < 0) {
		/* the writer's error is the one to report; the importers only stopped */
		vakt_error_free(perr);
		return started < PARTS ? wr : vakt_vdb_writer_error(w, err);
	}
	if (r < 0) {
		if (err && !*err)
			*err = perr;
		else
			vakt_error_free(perr);
		return r;
	}
	return 0;
}
