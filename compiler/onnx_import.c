// SPDX-License-Identifier: MIT
/*
 * onnx_import.c - ONNX ModelProto to IR.
 *
 * The model is unpacked by protobuf-c code generated from Debian's
 * onnx.proto. Each node maps through a table: ONNX attributes whose name
 * and kind match an attribute of the IR op are copied; the few that need a
 * translation (strings, dtypes, tensors) or a check (auto_pad, training
 * modes) are handled per op; any other attribute, op or domain is refused
 * with an error that names the node, the op and the attribute. Inputs that
 * the IR takes as attributes (axes, split sizes, pads) must be constants.
 * Identity and inference-mode Dropout become aliases, Constant a constant.
 *
 * Everything read from the file is bounded: node and value counts, ranks,
 * dims, element counts and data lengths (onnx_tensor.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx_priv.h"

#define OPSET_MIN 13
#define OPSET_MAX 18
#define MAX_ATTRS 16
#define MAX_FILE (1ll << 31)

struct alias {
	char *name;
	struct accel_value *v;
};

struct importer {
	struct accel_graph *g;
	struct accel_ir_error *err;
	int64_t opset;
	struct alias *aliases;
	uint32_t naliases, aliases_cap;
	uint32_t nsyms;		/* for naming dims the model leaves unnamed */
};

/* One node being translated. */
struct nctx {
	struct importer *im;
	const Onnx__NodeProto *np;
	const char *label;	/* the node's name, or its first output's */
	enum accel_op op;
	struct accel_value *in[IR_MAX_IO];
	uint32_t nin;
	struct accel_attr attrs[MAX_ATTRS];
	uint32_t nattrs;
};

static int node_error(struct nctx *c, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int node_error(struct nctx *c, int errnum, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ir_error(c->im->err, errnum, "node '%s' (op %s): %s", c->label,
			c->np->op_type, msg);
}

static struct accel_value *resolve(struct importer *im, const char *name)
{
	uint32_t i;

	for (i = im->naliases; i-- > 0;)
		if (!strcmp(im->aliases[i].name, name))
			return im->aliases[i].v;
	return accel_graph_find(im->g, name);
}

static int add_alias(struct importer *im, const char *name, struct accel_value *v)
{
	if (im->naliases == im->aliases_cap) {
		uint32_t cap = im->aliases_cap ? 2 * im->aliases_cap : 16;
		struct alias *a = realloc(im->aliases, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		im->aliases = a;
		im->aliases_cap = cap;
	}
	im->aliases[im->naliases].name = strdup(name);
	if (!im->aliases[im->naliases].name)
		return -ENOMEM;
	im->aliases[im->naliases++].v = v;
	return 0;
}

static const Onnx__AttributeProto *onnx_attr(const Onnx__NodeProto *np, const char *name)
{
	size_t i;

	for (i = 0; i < np->n_attribute; i++)
		if (np->attribute[i]->name && !strcmp(np->attribute[i]->name, name))
			return np->attribute[i];
	return NULL;
}

static bool attr_is(const Onnx__AttributeProto *a, Onnx__AttributeProto__AttributeType t)
{
	return a->has_type && a->type == t;
}

static bool str_eq(const Onnx__AttributeProto *a, const char *s)
{
	size_t n = strlen(s);

	return attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING) && a->s.len == n &&
	       !memcmp(a->s.data, s, n);
}

static int push_attr(struct nctx *c, struct accel_attr a)
{
	if (c->nattrs == MAX_ATTRS)
		return node_error(c, E2BIG, "too many attributes");
	c->attrs[c->nattrs] = a;
	if (ir_attr_copy(&c->attrs[c->nattrs], &a))
		return node_error(c, ENOMEM, "out of memory");
	c->nattrs++;
	return 0;
}

/* Copy an ONNX attribute onto the IR attribute of the same name and kind. */
static int copy_attr(struct nctx *c, const Onnx__AttributeProto *a,
		     const struct op_attr_spec *spec)
{
	switch (spec->kind) {
	case ACCEL_ATTR_INT:
		if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT))
			break;
		return push_attr(c, accel_attr_int(spec->name, a->i));
	case ACCEL_ATTR_FLOAT:
		if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT))
			break;
		return push_attr(c, accel_attr_float(spec->name, a->f));
	case ACCEL_ATTR_INTS:
		if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))
			break;
		if (a->n_ints > IR_MAX_IO)
			return node_error(c, E2BIG, "attribute '%s' has %zu entries", a->name,
					  a->n_ints);
		return push_attr(c, accel_attr_ints(spec->name, a->ints, (uint32_t)a->n_ints));
	case ACCEL_ATTR_DIMS:
		break;
	}
	return node_error(c, EINVAL, "attribute '%s' has type %d, not the one the op takes",
			  a->name, a->has_type ? (int)a->type : 0);
}

/* The contents of a constant i64/i32 input of rank <= 1, for the inputs the
 * IR turns into attributes. */
static int const_ints(struct nctx *c, uint32_t idx, const char *what, int64_t **out,
		      uint32_t *n)
{
	struct accel_value *v = idx < c->nin ? c->in[idx] : NULL;
	int64_t numel, i;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	numel = accel_shape_numel(&v->shape);
	if (v->kind != ACCEL_VALUE_CONST || v->shape.rank > 1 ||
	    (v->dtype != ACCEL_DT_I64 && v->dtype != ACCEL_DT_I32) || numel < 0 ||
	    numel > IR_MAX_IO)
		return node_error(c, EOPNOTSUPP, "input '%s' (%s) must be a constant list of "
				  "integers", c->np->input[idx], what);
	*out = malloc((size_t)(numel ? numel : 1) * sizeof(**out));
	if (!*out)
		return node_error(c, ENOMEM, "out of memory");
	for (i = 0; i < numel; i++)
		(*out)[i] = v->dtype == ACCEL_DT_I64 ? ((int64_t *)v->data)[i] :
			    ((int32_t *)v->data)[i];
	*n = (uint32_t)numel;
	return 0;
}

/* Turn constant input @idx into the INTS attribute @name and drop the input
 * (with every input after it, which the caller has already consumed). */
static int input_to_ints(struct nctx *c, uint32_t idx, const char *name)
{
	int64_t *v;
	uint32_t n;
	int ret;

	if (idx >= c->nin || !c->in[idx])
		return 0;
	ret = const_ints(c, idx, name, &v, &n);
	if (!ret)
		ret = push_attr(c, accel_attr_ints(name, v, n));
	free(v);
	return ret;
}

static bool has_attr(const struct nctx *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->nattrs; i++)
		if (!strcmp(c->attrs[i].name, name))
			return true;
	return false;
}

static int unsupported_attr(struct nctx *c, const Onnx__AttributeProto *a)
{
	return node_error(c, EOPNOTSUPP, "unsupported attribute '%s'", a->name);
}

static int dtype_attr(struct nctx *c, const Onnx__AttributeProto *a, enum accel_dtype *out)
{
	*out = attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) ? onnx_dtype((int32_t)a->i) :
	       ACCEL_DT_UNDEF;
	if (*out != ACCEL_DT_F32 && *out != ACCEL_DT_I64 && *out != ACCEL_DT_I32 &&
	    *out != ACCEL_DT_BOOL)
		return node_error(c, EOPNOTSUPP, "attribute '%s': unsupported data type %lld",
				  a->name, (long long)a->i);
	return 0;
}

/*
 * The ONNX attributes an op needs translated or checked, rather than copied
 * by name. Returns 1 when @a is not one of them.
 */
static int special_attr(struct nctx *c, const Onnx__AttributeProto *a)
{
	const char *n = a->name;
	enum accel_dtype dt;
	int ret;

	switch (c->op) {
	case ACCEL_OP_CONV:
	case ACCEL_OP_MAXPOOL:
	case ACCEL_OP_AVGPOOL:
		if (!strcmp(n, "auto_pad"))
			return str_eq(a, "NOTSET") ? 0 : node_error(c, EOPNOTSUPP,
				"attribute 'auto_pad': only NOTSET (explicit pads) is supported");
		if (c->op == ACCEL_OP_CONV && !strcmp(n, "kernel_shape")) {
			const struct accel_value *w = c->nin > 1 ? c->in[1] : NULL;
			size_t k;

			/* Implied by the weight: only check that they agree. */
			if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))
				return node_error(c, EINVAL, "attribute 'kernel_shape' must be ints");
			if (!w || w->shape.rank < 0)
				return 0;
			if ((int)a->n_ints != w->shape.rank - 2)
				return node_error(c, EINVAL, "attribute 'kernel_shape' has %zu entries "
						  "for a rank-%d weight", a->n_ints, w->shape.rank);
			for (k = 0; k < a->n_ints; k++)
				if (!w->shape.dims[2 + k].expr &&
				    w->shape.dims[2 + k].val != a->ints[k])
					return node_error(c, EINVAL, "attribute 'kernel_shape' differs "
							  "from the weight's shape");
			return 0;
		}
		if (c->op == ACCEL_OP_MAXPOOL && !strcmp(n, "storage_order"))
			return a->i == 0 ? 0 : unsupported_attr(c, a);
		break;
	case ACCEL_OP_BATCHNORM:
		if (!strcmp(n, "momentum"))
			return 0;	/* training only */
		if (!strcmp(n, "training_mode"))
			return a->i == 0 ? 0 : node_error(c, EOPNOTSUPP,
				"attribute 'training_mode': only inference (0) is supported");
		break;
	case ACCEL_OP_LAYERNORM:
		if (!strcmp(n, "stash_type"))
			return a->i == 1 ? 0 : node_error(c, EOPNOTSUPP,
				"attribute 'stash_type': only float32 (1) is supported");
		break;
	case ACCEL_OP_GELU:
		if (!strcmp(n, "approximate")) {
			if (str_eq(a, "none"))
				return push_attr(c, accel_attr_int("approximate", 0));
			if (str_eq(a, "tanh"))
				return push_attr(c, accel_attr_int("approximate", 1));
			return node_error(c, EOPNOTSUPP, "attribute 'approximate' must be "
					  "'none' or 'tanh'");
		}
		break;
	case ACCEL_OP_CAST:
		if (!strcmp(n, "to")) {
			ret = dtype_attr(c, a, &dt);
			return ret ? ret : push_attr(c, accel_attr_int("to", dt));
		}
		break;
	case ACCEL_OP_REDUCEMEAN:
		if (!strcmp(n, "noop_with_empty_axes"))
			return a->i == 0 ? 0 : unsupported_attr(c, a);
		break;
	case ACCEL_OP_SPLIT:
		if (!strcmp(n, "num_outputs"))
			return 0;	/* equal parts, one per output: the default */
		break;
	case ACCEL_OP_PAD:
		if (!strcmp(n, "mode"))
			return str_eq(a, "constant") ? 0 : node_error(c, EOPNOTSUPP,
				"attribute 'mode': only 'constant' padding is supported");
		break;
	case ACCEL_OP_CONSTANTOFSHAPE:
		if (!strcmp(n, "value")) {
			struct accel_shape s;
			void *data;
			size_t nb;
			double v;

			if (!attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR) || !a->t)
				return node_error(c, EINVAL, "attribute 'value' must be a tensor");
			ret = onnx_tensor_decode(a->t, "value", &dt, &s, &data, &nb, c->im->err);
			if (ret)
				return ret;
			if (nb != accel_dtype_size(dt) || (dt != ACCEL_DT_F32 && dt != ACCEL_DT_I64 &&
							   dt != ACCEL_DT_I32 && dt != ACCEL_DT_BOOL)) {
				free(data);
				return node_error(c, EOPNOTSUPP, "attribute 'value' must be one "
						  "f32, i64, i32 or bool element");
			}
			v = dt == ACCEL_DT_F32 ? *(float *)data : dt == ACCEL_DT_I64 ?
			    (double)*(int64_t *)data : dt == ACCEL_DT_I32 ? *(int32_t *)data :
			    *(uint8_t *)data;
			free(data);
			ret = push_attr(c, accel_attr_int("dtype", dt));
			return ret ? ret : push_attr(c, accel_attr_float("value", v));
		}
		break;
	default:
		break;
	}
	return 1;
}

/* ---- ops that the IR spells differently ---- */

/* Inputs the IR takes as attributes, per op and opset. */
static int fold_inputs(struct nctx *c)
{
	int ret = 0;

	switch (c->op) {
	case ACCEL_OP_SQUEEZE:
	case ACCEL_OP_UNSQUEEZE:
		ret = input_to_ints(c, 1, "axes");
		c->nin = c->nin > 1 ? 1 : c->nin;
		break;
	case ACCEL_OP_REDUCEMEAN:
		if (c->nin > 1) {
			ret = input_to_ints(c, 1, "axes");
			c->nin = 1;
		}
		break;
	case ACCEL_OP_SPLIT:
		if (c->nin > 1) {
			ret = input_to_ints(c, 1, "split");
			c->nin = 1;
		}
		break;
	case ACCEL_OP_TRILU:
		/* The diagonal offset k: a constant scalar (or absent: 0). */
		if (c->nin > 1 && c->in[1]) {
			int64_t *v;
			uint32_t n;

			ret = const_ints(c, 1, "k", &v, &n);
			if (!ret && (n != 1 || c->in[1]->shape.rank != 0))
				ret = node_error(c, EOPNOTSUPP, "input '%s' (k) must be a constant "
						 "scalar", c->in[1]->name);
			if (!ret)
				ret = push_attr(c, accel_attr_int("k", v[0]));
			free(v);
		}
		c->nin = 1;
		break;
	case ACCEL_OP_PAD:
		if (c->nin > 3 && c->in[3])
			return node_error(c, EOPNOTSUPP, "input 'axes' is not supported");
		if (c->nin > 2 && c->in[2]) {
			struct accel_value *v = c->in[2];

			if (v->kind != ACCEL_VALUE_CONST || v->dtype != ACCEL_DT_F32 ||
			    v->nbytes != 4)
				return node_error(c, EOPNOTSUPP, "input 'constant_value' must be "
						  "one constant f32");
			ret = push_attr(c, accel_attr_float("value", *(float *)v->data));
		}
		if (!ret)
			ret = input_to_ints(c, 1, "pads");
		c->nin = 1;
		break;
	default:
		break;
	}
	return ret;
}

struct op_map {
	const char *onnx;
	enum accel_op op;
};

static const struct op_map op_map[] = {
	{ "Add", ACCEL_OP_ADD }, { "Sub", ACCEL_OP_SUB }, { "Mul", ACCEL_OP_MUL },
	{ "Div", ACCEL_OP_DIV }, { "Pow", ACCEL_OP_POW }, { "Equal", ACCEL_OP_EQUAL },
	{ "Where", ACCEL_OP_WHERE }, { "And", ACCEL_OP_AND }, { "Or", ACCEL_OP_OR },
	{ "Relu", ACCEL_OP_RELU }, { "Gelu", ACCEL_OP_GELU },
	{ "Erf", ACCEL_OP_ERF }, { "Tanh", ACCEL_OP_TANH }, { "Sigmoid", ACCEL_OP_SIGMOID },
	{ "Sqrt", ACCEL_OP_SQRT }, { "Cast", ACCEL_OP_CAST }, { "Not", ACCEL_OP_NOT },
	{ "MatMul", ACCEL_OP_MATMUL },
	{ "Gemm", ACCEL_OP_GEMM }, { "Conv", ACCEL_OP_CONV },
	{ "BatchNormalization", ACCEL_OP_BATCHNORM },
	{ "LayerNormalization", ACCEL_OP_LAYERNORM }, { "Softmax", ACCEL_OP_SOFTMAX },
	{ "MaxPool", ACCEL_OP_MAXPOOL }, { "AveragePool", ACCEL_OP_AVGPOOL },
	{ "GlobalAveragePool", ACCEL_OP_GLOBALAVGPOOL }, { "ReduceMean", ACCEL_OP_REDUCEMEAN },
	{ "Flatten", ACCEL_OP_FLATTEN }, { "Reshape", ACCEL_OP_RESHAPE },
	{ "Transpose", ACCEL_OP_TRANSPOSE }, { "Concat", ACCEL_OP_CONCAT },
	{ "Split", ACCEL_OP_SPLIT }, { "Slice", ACCEL_OP_SLICE }, { "Gather", ACCEL_OP_GATHER },
	{ "Squeeze", ACCEL_OP_SQUEEZE }, { "Unsqueeze", ACCEL_OP_UNSQUEEZE },
	{ "Expand", ACCEL_OP_EXPAND }, { "Pad", ACCEL_OP_PAD }, { "Trilu", ACCEL_OP_TRILU },
	{ "Shape", ACCEL_OP_SHAPE },
	{ "ConstantOfShape", ACCEL_OP_CONSTANTOFSHAPE }, { "Range", ACCEL_OP_RANGE },
};

/* Constant: one of its value attributes becomes a constant of the output's name. */
static int import_constant(struct nctx *c)
{
	const Onnx__NodeProto *np = c->np;
	const Onnx__AttributeProto *a;
	struct accel_shape s = { .rank = 0 };
	enum accel_dtype dt;
	void *data = NULL;
	size_t nb;
	int ret;

	if (np->n_attribute != 1 || np->n_output != 1)
		return node_error(c, EINVAL, "Constant needs exactly one attribute and one output");
	a = np->attribute[0];
	if (!strcmp(a->name, "value") && attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR) &&
	    a->t) {
		ret = onnx_tensor_decode(a->t, np->output[0], &dt, &s, &data, &nb, c->im->err);
		if (ret)
			return ret;
	} else if (!strcmp(a->name, "value_float") &&
		   attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)) {
		dt = ACCEL_DT_F32;
		data = malloc(nb = 4);
		if (data)
			memcpy(data, &a->f, 4);
	} else if (!strcmp(a->name, "value_int") &&
		   attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)) {
		dt = ACCEL_DT_I64;
		data = malloc(nb = 8);
		if (data)
			memcpy(data, &a->i, 8);
	} else if ((!strcmp(a->name, "value_floats") &&
		    attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS)) ||
		   (!strcmp(a->name, "value_ints") &&
		    attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))) {
		bool f = a->name[6] == 'f';
		size_t n = f ? a->n_floats : a->n_ints;

		if (n > ONNX_MAX_ELEMS)
			return node_error(c, E2BIG, "attribute '%s' too long", a->name);
		dt = f ? ACCEL_DT_F32 : ACCEL_DT_I64;
		s.rank = 1;
		s.dims[0] = accel_dim_const((int64_t)n);
		nb = n * (f ? 4 : 8);
		data = malloc(nb ? nb : 1);
		if (data && nb)
			memcpy(data, f ? (void *)a->floats : (void *)a->ints, nb);
	} else {
		return unsupported_attr(c, a);
	}
	if (!data)
		return node_error(c, ENOMEM, "out of memory");
	ret = accel_graph_add_const(c->im->g, np->output[0], dt, &s, data, NULL, c->im->err);
	free(data);
	return ret;
}

static int import_node(struct importer *im, const Onnx__NodeProto *np)
{
	struct nctx c = { .im = im, .np = np };
	const struct op_attr_spec *spec;
	const char *outs[IR_MAX_IO];
	uint32_t nout, i;
	size_t k;
	int ret = 0;

	c.label = np->name && np->name[0] ? np->name :
		  np->n_output && np->output[0] ? np->output[0] : "?";
	if (!np->op_type)
		return ir_error(im->err, EINVAL, "node '%s' has no op_type", c.label);
	if (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx"))
		return node_error(&c, EOPNOTSUPP, "unsupported domain '%s'", np->domain);
	if (np->n_input > IR_MAX_IO || np->n_output > IR_MAX_IO || np->n_output == 0)
		return node_error(&c, EINVAL, "%zu inputs and %zu outputs", np->n_input,
				  np->n_output);
	for (k = 0; k < np->n_attribute; k++)
		if (!np->attribute[k]->name)
			return node_error(&c, EINVAL, "an attribute has no name");
	c.nin = (uint32_t)np->n_input;
	for (i = 0; i < c.nin; i++) {
		if (!np->input[i][0]) {
			c.in[i] = NULL;	/* an absent optional input */
			continue;
		}
		c.in[i] = resolve(im, np->input[i]);
		if (!c.in[i])
			return node_error(&c, EINVAL, "input '%s' is not defined before the node",
					  np->input[i]);
	}
	/* Trailing absent outputs are optional outputs nobody reads. */
	for (nout = (uint32_t)np->n_output; nout > 0 && !np->output[nout - 1][0]; nout--)
		;
	for (i = 0; i < nout; i++) {
		if (!np->output[i][0])
			return node_error(&c, EINVAL, "output %u has no name", i);
		outs[i] = np->output[i];
	}
	if (nout == 0)
		return 0;

	if (!strcmp(np->op_type, "Constant"))
		return import_constant(&c);
	if (!strcmp(np->op_type, "Identity") || !strcmp(np->op_type, "Dropout")) {
		/* Dropout at inference is the identity; a mask output or a
		 * training_mode input would need more. */
		for (k = 0; k < np->n_attribute; k++)
			if (strcmp(np->attribute[k]->name, "seed") || np->op_type[0] == 'I')
				return unsupported_attr(&c, np->attribute[k]);
		if (nout != 1 || c.nin < 1 || !c.in[0])
			return node_error(&c, EOPNOTSUPP, "only the single-output inference form "
					  "is supported");
		if (c.nin > 2 && c.in[2])
			return node_error(&c, EOPNOTSUPP, "input 'training_mode' is not supported");
		if (resolve(im, outs[0]))
			return node_error(&c, EEXIST, "output '%s' defined twice", outs[0]);
		return add_alias(im, outs[0], c.in[0]) ? -ENOMEM : 0;
	}

	for (k = 0; k < sizeof(op_map) / sizeof(op_map[0]); k++)
		if (!strcmp(op_map[k].onnx, np->op_type))
			break;
	if (k == sizeof(op_map) / sizeof(op_map[0]))
		return node_error(&c, EOPNOTSUPP, "unsupported op");
	c.op = op_map[k].op;

	for (k = 0; k < np->n_attribute && !ret; k++) {
		const Onnx__AttributeProto *a = np->attribute[k];

		ret = special_attr(&c, a);
		if (ret != 1)
			continue;
		spec = op_attr_spec(c.op, a->name);
		/* Only ONNX's names reach copy_attr: the IR-only ones (a DIMS
		 * shape, ConstantOfShape's dtype) are not ONNX attributes. */
		if (!spec || spec->kind == ACCEL_ATTR_DIMS ||
		    (c.op == ACCEL_OP_CONSTANTOFSHAPE) || (c.op == ACCEL_OP_PAD) ||
		    (c.op == ACCEL_OP_GELU) || (c.op == ACCEL_OP_CAST) ||
		    ((c.op == ACCEL_OP_SQUEEZE || c.op == ACCEL_OP_UNSQUEEZE ||
		      c.op == ACCEL_OP_SPLIT) && strcmp(a->name, "axis")))
			ret = unsupported_attr(&c, a);
		else
			ret = copy_attr(&c, a, spec);
	}
	if (!ret && c.op == ACCEL_OP_CONCAT && !onnx_attr(np, "axis"))
		ret = node_error(&c, EINVAL, "attribute 'axis' is required");
	if (!ret && c.op == ACCEL_OP_CAST && !onnx_attr(np, "to"))
		ret = node_error(&c, EINVAL, "attribute 'to' is required");
	if (!ret)
		ret = fold_inputs(&c);
	if (!ret && c.op == ACCEL_OP_SPLIT && !has_attr(&c, "split") && nout != np->n_output)
		ret = node_error(&c, EINVAL, "an equal split needs every output named");
	if (!ret && nout > op_info(c.op)->max_out)
		ret = node_error(&c, EOPNOTSUPP, "output '%s' is not supported",
				 outs[op_info(c.op)->max_out]);
	if (!ret) {
		const struct op_info *info = op_info(c.op);

		/* Trailing absent inputs carry nothing. */
		while (c.nin > info->min_in && !c.in[c.nin - 1])
			c.nin--;
		ret = accel_graph_add_node(im->g, c.op, c.in, c.nin, c.attrs, c.nattrs, nout,
					   outs, NULL, im->err);
		if (ret) {
			char msg[sizeof(im->err->msg)];

			if (im->err) {
				memcpy(msg, im->err->msg, sizeof(msg));
				node_error(&c, -ret, "%s", msg);
			}
		}
	}
	for (i = 0; i < c.nattrs; i++)
		ir_attr_free(&c.attrs[i]);
	return ret;
}

/* Symbol names in the text form are identifiers: map others onto one. */
static void symbol_name(const char *param, char *buf, size_t len)
{
	size_t i;

	for (i = 0; param[i] && i + 1 < len; i++) {
		char ch = param[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
			  (i > 0 && ch >= '0' && ch <= '9');

		buf[i] = ok ? ch : '_';
	}
	buf[i] = 0;
}

static int import_input(struct importer *im, const Onnx__ValueInfoProto *vi)
{
	const Onnx__TypeProto__Tensor *tt;
	struct accel_shape s = { .rank = 0 };
	enum accel_dtype dt;
	char sym[64];
	size_t i;
	int ret;

	if (!vi->name || !vi->name[0])
		return ir_error(im->err, EINVAL, "a graph input has no name");
	if (accel_graph_find(im->g, vi->name))
		return 0;	/* an initializer listed as an input too (IR < 4) */
	if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !vi->type->tensor_type || !vi->type->tensor_type->has_elem_type)
		return ir_error(im->err, EOPNOTSUPP, "graph input '%s' is not a typed tensor",
				vi->name);
	tt = vi->type->tensor_type;
	dt = onnx_dtype(tt->elem_type);
	if (dt != ACCEL_DT_F32 && dt != ACCEL_DT_I64 && dt != ACCEL_DT_I32 && dt != ACCEL_DT_BOOL)
		return ir_error(im->err, EOPNOTSUPP, "graph input '%s': unsupported data type %d",
				vi->name, tt->elem_type);
	if (!tt->shape)
		return ir_error(im->err, EOPNOTSUPP, "graph input '%s' has no shape", vi->name);
	if (tt->shape->n_dim > ACCEL_IR_MAX_RANK)
		return ir_error(im->err, EINVAL, "graph input '%s': rank %zu exceeds %d", vi->name,
				tt->shape->n_dim, ACCEL_IR_MAX_RANK);
	s.rank = (int)tt->shape->n_dim;
	for (i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];

		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (d->dim_value < 0 || d->dim_value > ONNX_MAX_ELEMS)
				return ir_error(im->err, EINVAL, "graph input '%s': dimension %zu "
						"is %lld", vi->name, i, (long long)d->dim_value);
			s.dims[i] = accel_dim_const(d->dim_value);
			continue;
		}
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
		    d->dim_param && d->dim_param[0])
			symbol_name(d->dim_param, sym, sizeof(sym));
		else
			snprintf(sym, sizeof(sym), "unk%u", im->nsyms++);
		ret = accel_dim_symbol(im->g, sym, &s.dims[i]);
		if (ret)
			return ir_error(im->err, -ret, "graph input '%s': too many symbols",
					vi->name);
	}
	return accel_graph_add_input(im->g, vi->name, dt, &s, NULL, im->err);
}

static int import_graph(struct importer *im, const Onnx__GraphProto *gp)
{
	struct accel_value *v;
	size_t i;
	int ret;

	if (gp->n_node > ONNX_MAX_NODES || gp->n_initializer > ONNX_MAX_NODES ||
	    gp->n_input > ONNX_MAX_NODES || gp->n_output > ONNX_MAX_NODES)
		return ir_error(im->err, E2BIG, "graph has more than %d nodes, inputs, outputs "
				"or initializers", ONNX_MAX_NODES);
	if (gp->n_sparse_initializer)
		return ir_error(im->err, EOPNOTSUPP, "sparse initializers are not supported");
	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		struct accel_shape s;
		enum accel_dtype dt;
		void *data;
		size_t nb;

		if (!t->name || !t->name[0])
			return ir_error(im->err, EINVAL, "initializer %zu has no name", i);
		ret = onnx_tensor_decode(t, t->name, &dt, &s, &data, &nb, im->err);
		if (ret)
			return ret;
		ret = accel_graph_add_const(im->g, t->name, dt, &s, data, NULL, im->err);
		free(data);
		if (ret)
			return ret;
	}
	for (i = 0; i < gp->n_input; i++) {
		ret = import_input(im, gp->input[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < gp->n_node; i++) {
		ret = import_node(im, gp->node[i]);
		if (ret)
			return ret;
	}
	if (!gp->n_output)
		return ir_error(im->err, EINVAL, "graph has no outputs");
	for (i = 0; i < gp->n_output; i++) {
		const char *name = gp->output[i]->name;

		v = name ? resolve(im, name) : NULL;
		if (!v)
			return ir_error(im->err, EINVAL, "graph output '%s' is never produced",
					name ? name : "");
		ret = accel_graph_mark_output(im->g, v, im->err);
		if (ret)
			return ret;
	}
	return 0;
}

int accel_onnx_import(const void *bytes, size_t len, struct accel_graph **out,
		      struct accel_ir_error *err)
{
	struct importer im = { .err = err };
	Onnx__ModelProto *m;
	size_t i;
	int ret;

	*out = NULL;
	if (err)
		err->msg[0] = 0;
	if ((long long)len > MAX_FILE)
		return ir_error(err, E2BIG, "model larger than 2 GiB");
	m = onnx__model_proto__unpack(NULL, len, bytes);
	if (!m)
		return ir_error(err, EINVAL, "not an ONNX model (protobuf does not parse)");
	if (!m->graph) {
		ret = ir_error(err, EINVAL, "model has no graph");
		goto out_free;
	}
	im.opset = -1;
	for (i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];

		if (!o->domain || !o->domain[0] || !strcmp(o->domain, "ai.onnx"))
			im.opset = o->has_version ? o->version : 1;
	}
	if (im.opset < OPSET_MIN || im.opset > OPSET_MAX) {
		ret = ir_error(err, EOPNOTSUPP, "opset %lld is not supported (%d to %d are)",
			       (long long)im.opset, OPSET_MIN, OPSET_MAX);
		goto out_free;
	}
	ret = accel_graph_create(m->graph->name && m->graph->name[0] ? m->graph->name : "model",
				 &im.g);
	if (ret) {
		ir_error(err, ENOMEM, "out of memory");
		goto out_free;
	}
	ret = import_graph(&im, m->graph);
	if (ret) {
		accel_graph_destroy(im.g);
		im.g = NULL;
	}
	*out = im.g;
out_free:
	for (i = 0; i < im.naliases; i++)
		free(im.aliases[i].name);
	free(im.aliases);
	onnx__model_proto__free_unpacked(m, NULL);
	return ret;
}

int onnx_read_file(const char *path, void **data, size_t *len, struct accel_ir_error *err)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ir_error(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		close(fd);
		return ir_error(err, EINVAL, "%s: not a regular file of at most 2 GiB", path);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return ir_error(err, ENOMEM, "%s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			ret = ir_error(err, n ? errno : EIO, "%s: read failed", path);
			free(buf);
			close(fd);
			return ret;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

int accel_onnx_import_file(const char *path, struct accel_graph **out,
			   struct accel_ir_error *err)
{
	void *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = onnx_read_file(path, &buf, &len, err);
	if (ret)
		return ret;
	ret = accel_onnx_import(buf, len, out, err);
	if (ret && err) {
		char msg[sizeof(err->msg)];

		memcpy(msg, err->msg, sizeof(msg));
		snprintf(err->msg, sizeof(err->msg), "%.100s: %.400s", path, msg);
	}
	free(buf);
	return ret;
}
