/* fuzz_doc.c - libFuzzer target for the YAML/JSON document model alone: every document
 * of the input, every node visited through the lookup helpers, aliases counted with a
 * budget (never expanded). */
#include <stdint.h>

#include "core/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Visits are budgeted: through aliases a small document is a huge tree. */
static void visit(const vakt_node *n, int depth, size_t *budget)
{
	if (!n || depth > 64 || *budget == 0)
		return;
	--*budget;
	int64_t i;
	(void)vakt_node_bool(n);
	(void)vakt_node_int64(n, &i);
	(void)vakt_node_kind_name(n);
	if (n->type == VAKT_NODE_MAP) {
		for (size_t k = 0; k < n->map.n && k < 64; k++) {
			if (n->map.pairs[k].key->type == VAKT_NODE_SCALAR)
				(void)vakt_node_get(n, n->map.pairs[k].key->scalar.str);
			visit(n->map.pairs[k].value, depth + 1, budget);
		}
	} else if (n->type == VAKT_NODE_SEQ) {
		for (size_t k = 0; k < n->seq.n && k < 64; k++)
			visit(n->seq.items[k], depth + 1, budget);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_nodes = 100000;
	vakt_doc_stream *s = NULL;
	vakt_doc_stream_open_mem(data, size, "fuzz", &lim, &s, NULL);
	vakt_doc *doc;
	vakt_error *err = NULL;
	while (vakt_doc_stream_next(s, &doc, &err) == 1) {
		size_t budget = 100000;
		visit(doc->root, 0, &budget);
		(void)vakt_node_count_expanded(doc->root, 10000);
	}
	vakt_error_free(err);
	vakt_doc_stream_free(s);
	return 0;
}
