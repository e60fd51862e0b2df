/* SPDX-License-Identifier: MIT */
/*
 * onnx_model.h - a one-node ONNX model for importer tests, built from the
 * protobuf-c structs generated from onnx.proto: input "x" (f32, the dims
 * given) -> node "n0" (op, inputs "x", "x", "x" of which n_input count) ->
 * output "y", with up to four attributes and an optional f32 initializer
 * "w". A test changes what it tests in the structs, then packs the model.
 */
#ifndef ACCEL_TESTS_ONNX_MODEL_H
#define ACCEL_TESTS_ONNX_MODEL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

#define ONNX_MODEL_MAX_RANK 5
#define ONNX_MODEL_MAX_ATTRS 4

struct onnx_model {
	Onnx__ModelProto m;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__GraphProto g;
	Onnx__NodeProto node, *nodes[1];
	char *node_in[3], *node_out[1];
	Onnx__AttributeProto attr[ONNX_MODEL_MAX_ATTRS], *attrs[ONNX_MODEL_MAX_ATTRS];
	int64_t ints[ONNX_MODEL_MAX_ATTRS][4];
	Onnx__ValueInfoProto xin, yout, *ins[1], *outs[1];
	Onnx__TypeProto xtype;
	Onnx__TypeProto__Tensor xtt;
	Onnx__TensorShapeProto xshape;
	Onnx__TensorShapeProto__Dimension d[ONNX_MODEL_MAX_RANK], *dims[ONNX_MODEL_MAX_RANK];
	Onnx__TensorProto init, *inits[1];
	int64_t init_dims[9];
	float init_data[2 * 2 * 27];
};

/* @op on input x f32 of @rank (<= ONNX_MODEL_MAX_RANK) dims @xdims; opset 14. */
static inline void onnx_model_init(struct onnx_model *s, const char *op, int rank,
				   const int64_t *xdims)
{
	memset(s, 0, sizeof(*s));
	onnx__model_proto__init(&s->m);
	onnx__operator_set_id_proto__init(&s->opset);
	onnx__graph_proto__init(&s->g);
	onnx__node_proto__init(&s->node);
	onnx__value_info_proto__init(&s->xin);
	onnx__value_info_proto__init(&s->yout);
	onnx__type_proto__init(&s->xtype);
	onnx__type_proto__tensor__init(&s->xtt);
	onnx__tensor_shape_proto__init(&s->xshape);
	onnx__tensor_proto__init(&s->init);

	s->opset.domain = "";
	s->opset.has_version = 1;
	s->opset.version = 14;
	s->opsets[0] = &s->opset;
	s->m.n_opset_import = 1;
	s->m.opset_import = s->opsets;
	s->m.has_ir_version = 1;
	s->m.ir_version = 8;
	s->m.graph = &s->g;

	for (int k = 0; k < rank; k++) {
		onnx__tensor_shape_proto__dimension__init(&s->d[k]);
		s->d[k].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		s->d[k].dim_value = xdims[k];
		s->dims[k] = &s->d[k];
	}
	s->xshape.n_dim = (size_t)rank;
	s->xshape.dim = s->dims;
	s->xtt.has_elem_type = 1;
	s->xtt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	s->xtt.shape = &s->xshape;
	s->xtype.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	s->xtype.tensor_type = &s->xtt;
	s->xin.name = "x";
	s->xin.type = &s->xtype;
	s->yout.name = "y";
	s->ins[0] = &s->xin;
	s->outs[0] = &s->yout;
	s->g.name = "g";
	s->g.n_input = 1;
	s->g.input = s->ins;
	s->g.n_output = 1;
	s->g.output = s->outs;

	s->node_in[0] = "x";
	s->node_in[1] = "x";
	s->node_in[2] = "x";
	s->node_out[0] = "y";
	s->node.name = "n0";
	s->node.op_type = (char *)op;
	s->node.n_input = 1;
	s->node.input = s->node_in;
	s->node.n_output = 1;
	s->node.output = s->node_out;
	s->nodes[0] = &s->node;
	s->g.n_node = 1;
	s->g.node = s->nodes;
}

/* Append attribute @name of type @t to the node; the caller sets its value. */
static inline Onnx__AttributeProto *onnx_model_attr(struct onnx_model *s, const char *name,
						    Onnx__AttributeProto__AttributeType t)
{
	Onnx__AttributeProto *a = &s->attr[s->node.n_attribute];

	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = t;
	s->attrs[s->node.n_attribute++] = a;
	s->node.attribute = s->attrs;
	return a;
}

/* Append an INTS attribute @name of @n (<= 4) values. */
static inline void onnx_model_ints(struct onnx_model *s, const char *name, int n,
				   const int64_t *v)
{
	int64_t *ints = s->ints[s->node.n_attribute];
	Onnx__AttributeProto *a = onnx_model_attr(s, name,
						  ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

	memcpy(ints, v, (size_t)n * sizeof(*v));
	a->ints = ints;
	a->n_ints = (size_t)n;
}

/*
 * Add the f32 initializer "w" of @rank dims @dims (at most init_data's
 * floats), raw data from init_data. The node's inputs are left as they are.
 */
static inline void onnx_model_weight(struct onnx_model *s, int rank, const int64_t *dims)
{
	size_t n = 1;

	for (int k = 0; k < rank; k++) {
		s->init_dims[k] = dims[k];
		n *= (size_t)dims[k];
	}
	s->init.name = "w";
	s->init.has_data_type = 1;
	s->init.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	s->init.n_dims = (size_t)rank;
	s->init.dims = s->init_dims;
	s->init.has_raw_data = 1;
	s->init.raw_data.len = n * sizeof(float);
	s->init.raw_data.data = (uint8_t *)s->init_data;
	s->inits[0] = &s->init;
	s->g.n_initializer = 1;
	s->g.initializer = s->inits;
}

/* The packed model (malloc'ed, free() it) and its length; NULL without memory. */
static inline uint8_t *onnx_model_pack(const struct onnx_model *s, size_t *len)
{
	uint8_t *buf;

	*len = onnx__model_proto__get_packed_size(&s->m);
	buf = malloc(*len ? *len : 1);
	if (buf)
		onnx__model_proto__pack(&s->m, buf);
	return buf;
}

#endif /* ACCEL_TESTS_ONNX_MODEL_H */
