// SPDX-License-Identifier: MIT
/*
 * pass_dce.c - dead code elimination: drop every node none of whose outputs
 * reaches a graph output, and every constant nothing reads. Graph inputs
 * stay, used or not: they are the graph's signature.
 */
#include <stdlib.h>

#include "ir_priv.h"

int accel_pass_dce(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err)
{
	uint8_t *live = calloc(g->next_id + 1, 1);
	uint32_t i, j, nodes = 0, consts = 0;

	if (!live)
		return ir_error(err, ENOMEM, "dce: out of memory");
	for (i = 0; i < g->noutputs; i++)
		live[g->outputs[i]->id] = 1;
	/* Nodes are in topological order: walking backwards sees every
	 * consumer before its producers. */
	for (i = g->nnodes; i-- > 0;) {
		struct accel_node *n = g->nodes[i];
		bool used = false;

		if (n->dead)
			continue;
		for (j = 0; j < n->noutputs; j++)
			used = used || live[n->outputs[j]->id];
		if (!used) {
			n->dead = 1;
			for (j = 0; j < n->noutputs; j++)
				n->outputs[j]->dead = 1;
			report_add(r, "dce: removed %s -> %%%s", accel_op_name(n->op),
				   n->outputs[0]->name);
			nodes++;
			continue;
		}
		for (j = 0; j < n->ninputs; j++)
			if (n->inputs[j])
				live[n->inputs[j]->id] = 1;
	}
	for (i = 0; i < g->nvalues; i++) {
		struct accel_value *v = g->values[i];

		if (v->kind == ACCEL_VALUE_CONST && !v->dead && !live[v->id]) {
			v->dead = 1;
			consts++;
		}
	}
	free(live);
	ir_sweep(g);
	report_add(r, "dce: %u nodes and %u constants removed", nodes, consts);
	return 0;
}
