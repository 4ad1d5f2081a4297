/*
 * einsum.c - Einsum (version 12, unchanged through opset 21): sums of
 * products of any number of operands named by an equation such as
 * "bij,bjk->bik".
 *
 * A term gives each dim of its operand a letter (a-z, A-Z; spaces are
 * ignored); "..." stands for the dims the letters leave over, which
 * broadcast numpy-style across operands (aligned from the right, 1
 * stretching). Letters do not broadcast: every dim a letter names must
 * have the same size. A letter repeated within a term takes the
 * diagonal; letters missing from the output are summed. Without "->"
 * the output is the ellipsis dims, then the letters appearing exactly
 * once, in ASCII order (A-Z before a-z), as numpy does. An explicit
 * output without "..." sums the ellipsis dims, as torch does.
 *
 * Every dim is a label: the 52 letters, then one label per ellipsis dim
 * counted from the right, so operands with fewer ellipsis dims line up
 * without knowing how many the widest has. The plain loop walks the
 * output labels, then the summed ones, as one odometer keeping one
 * offset per operand; each product is taken and summed in double for
 * floats (in uint64_t, wrapping, for integers) and rounded once. A float
 * product of two operands goes through the Gemm kernel instead: each
 * operand is gathered into [batch, M, K] and [batch, K, N] (diagonals
 * and broadcast dims are just strides), one product per batch, and the
 * result scattered into Y; like MatMul it sums in float. The reference
 * kernel set (session option) runs the plain loop for everything.
 */
#include <stdio.h>
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/kernels/gemm_kernel.h"

#define EIN_LETTERS 52
#define EIN_LABELS (EIN_LETTERS + ONNXC_MAX_RANK)
/* The loop keeps one offset per operand on the stack (numpy's limit). */
#define EIN_MAX_OPERANDS 32

typedef struct ein_term {
    const char *text;     /* as written, spaces dropped, for messages */
    int n;                /* letters */
    int ell;              /* letters before the "..."; -1: none */
    signed char *labels;  /* the n letters' labels, in order */
} ein_term;

typedef struct einsum_params {
    const char *equation;
    int n_terms;
    ein_term *in;
    ein_term out;
    const gemm_kernel *kernel;  /* the float Gemm kernel; NULL: reference */
    bool plain;                 /* the reference kernels: the plain loop */
} einsum_params;

static bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ASCII order: A-Z are 0-25, a-z 26-51. */
static int letter_label(char c)
{
    return c <= 'Z' ? c - 'A' : 26 + (c - 'a');
}

static char label_letter(int l)
{
    return (char)(l < 26 ? 'A' + l : 'a' + (l - 26));
}

/* The label of ellipsis dim q counted from the right (0: the last). */
static int ell_label(int q)
{
    return EIN_LETTERS + ONNXC_MAX_RANK - 1 - q;
}

/* Parses s[0, len) into t; why says what is wrong (false). */
static bool parse_term(const char *s, size_t len, oc_pool *pool, ein_term *t,
                       char *why, size_t wsize)
{
    char *text = oc_pool_calloc(pool, len + 1, 1);
    t->labels = oc_pool_calloc(pool, len + 1, 1);
    if (!text || !t->labels) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    memcpy(text, s, len);
    t->text = text;
    t->n = 0;
    t->ell = -1;
    for (size_t i = 0; i < len; i++) {
        if (is_letter(s[i])) {
            t->labels[t->n++] = (signed char)letter_label(s[i]);
        } else if (s[i] == '.' && i + 2 < len && s[i + 1] == '.' &&
                   s[i + 2] == '.') {
            if (t->ell >= 0) {
                snprintf(why, wsize, "term '%s' has more than one ellipsis",
                         text);
                return false;
            }
            t->ell = t->n;
            i += 2;
        } else {
            snprintf(why, wsize, "unexpected '%c' in term '%s'", s[i], text);
            return false;
        }
    }
    return true;
}

/* The equation into p: the input terms, then the output, given or
 * implied. */
static bool parse_equation(einsum_params *p, const char *equation, int n_in,
                           oc_pool *pool, char *why, size_t wsize)
{
    size_t len = strlen(equation), n = 0;
    char *eq = oc_pool_calloc(pool, len + 1, 1);
    if (!eq) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    for (size_t i = 0; i < len; i++)
        if (equation[i] != ' ')
            eq[n++] = equation[i];
    const char *arrow = strstr(eq, "->");
    const char *lhs_end = arrow ? arrow : eq + n;
    p->n_terms = 1;
    for (const char *c = eq; c < lhs_end; c++)
        p->n_terms += *c == ',';
    if (p->n_terms != n_in) {
        snprintf(why, wsize, "%d terms for %d operands", p->n_terms, n_in);
        return false;
    }
    if (n_in > EIN_MAX_OPERANDS) {
        snprintf(why, wsize, "%d operands; onnxc takes at most %d", n_in,
                 EIN_MAX_OPERANDS);
        return false;
    }
    p->in = oc_pool_calloc(pool, (size_t)p->n_terms, sizeof *p->in);
    if (!p->in) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    int count[EIN_LETTERS] = {0};
    bool any_ell = false;
    const char *s = eq;
    for (int k = 0; k < p->n_terms; k++) {
        const char *e = s;
        while (e < lhs_end && *e != ',')
            e++;
        if (!parse_term(s, (size_t)(e - s), pool, &p->in[k], why, wsize))
            return false;
        for (int i = 0; i < p->in[k].n; i++)
            count[p->in[k].labels[i]]++;
        any_ell |= p->in[k].ell >= 0;
        s = e + 1;
    }
    if (arrow) {
        if (!parse_term(arrow + 2, strlen(arrow + 2), pool, &p->out, why,
                        wsize))
            return false;
        bool seen[EIN_LETTERS] = {false};
        for (int i = 0; i < p->out.n; i++) {
            int l = p->out.labels[i];
            if (seen[l] || count[l] == 0) {
                snprintf(why, wsize,
                         seen[l] ? "letter '%c' appears twice in the output '%s'"
                                 : "output letter '%c' is in no operand's term ('%s')",
                         label_letter(l), p->out.text);
                return false;
            }
            seen[l] = true;
        }
        return true;
    }
    /* Implicit: the ellipsis, then the letters seen once, sorted. */
    p->out.text = "";
    p->out.ell = any_ell ? 0 : -1;
    p->out.labels = oc_pool_calloc(pool, EIN_LETTERS, 1);
    if (!p->out.labels) {
        snprintf(why, wsize, "out of memory");
        return false;
    }
    for (int l = 0; l < EIN_LETTERS; l++)
        if (count[l] == 1)
            p->out.labels[p->out.n++] = (signed char)l;
    return true;
}

static onnxc_status *einsum_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"equation", NULL};
    const oc_node *node = ctx->node;
    const char *equation;
    char desc[300], why[300];
    onnxc_status *err;
    einsum_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_string(node, "equation", NULL, &equation)))
        return err;
    if (!equation)
        snprintf(why, sizeof why, "attribute 'equation' is required");
    if (!equation ||
        !parse_equation(p, equation, node->n_inputs, ctx->pool, why, sizeof why))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: equation '%s': %s",
                        oc_node_desc(node, desc, sizeof desc),
                        equation ? equation : "", why);
    p->equation = equation;
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    p->plain = ctx->kernels == ONNXC_KERNELS_REFERENCE;
    *params = p;
    return NULL;
}

/* What the shapes make of the labels. */
typedef struct ein_dims {
    bool used[EIN_LABELS];
    oc_dim size[EIN_LABELS];   /* used labels; unknown when unbound */
    int ell_rank;              /* the widest operand's "..."; -1: unknown */
    oc_shape out;              /* rank -1 when unknown */
} ein_dims;

/* The label of dim d of a term over `rank` dims, the ellipsis covering
 * rank - t->n of them. */
static int dim_label(const ein_term *t, int rank, int d)
{
    int e = t->ell < 0 ? 0 : rank - t->n;
    if (t->ell < 0 || d < t->ell)
        return t->labels[d];
    if (d < t->ell + e)
        return ell_label(t->ell + e - 1 - d);
    return t->labels[d - e];
}

/* Two ellipsis dims, one or both symbolic, broadcast: a known size
 * other than 1 beats a symbol (the run checks it); two symbols that may
 * differ give an unknown dim. */
static oc_dim stretch(oc_dim cur, oc_dim v)
{
    if (dim_is_known(v))
        return v.value == 1 ? cur : v;
    if (dim_is_known(cur))
        return cur.value == 1 ? v : cur;
    return v.sym == cur.sym ? cur : dim_unknown();
}

/* Operand k's shape into *s: from infer's types or run's tensors. */
typedef void (*shape_fn)(const void *src, int k, oc_shape *s);

static void type_shape(const void *src, int k, oc_shape *s)
{
    *s = ((const oc_infer_ctx *)src)->in[k]->shape;
}

static void tensor_shape(const void *src, int k, oc_shape *s)
{
    const oc_tensor *t = ((const oc_run_ctx *)src)->in[k];
    s->rank = t->rank;
    for (int d = 0; d < t->rank; d++)
        s->dims[d] = dim_known(t->dims[d]);
}

/* Binds the labels to the operands' dims (static or concrete) and
 * gives the output shape; false with *code and why on a mismatch. */
static bool resolve(const einsum_params *p, shape_fn shape_of, const void *src,
                    ein_dims *r, onnxc_code *code, char *why, size_t wsize)
{
    oc_shape shape;
    bool bound[EIN_LABELS] = {false};
    int from[EIN_LABELS];   /* the operand a letter was first bound in */
    memset(r, 0, sizeof *r);
    *code = ONNXC_ERR_SHAPE;
    for (int k = 0; k < p->n_terms; k++) {
        const ein_term *t = &p->in[k];
        const oc_shape *s = &shape;
        shape_of(src, k, &shape);
        if (s->rank < 0) {
            /* Its letters are bound by others, or stay unknown. */
            for (int i = 0; i < t->n; i++)
                r->used[t->labels[i]] = true;
            if (t->ell >= 0)
                r->ell_rank = -1;
            continue;
        }
        if (t->ell < 0 ? s->rank != t->n : s->rank < t->n) {
            snprintf(why, wsize, "operand %d has rank %d but its term '%s' "
                     "names %s%d dims", k, s->rank, t->text,
                     t->ell < 0 ? "" : "at least ", t->n);
            return false;
        }
        int e = t->ell < 0 ? 0 : s->rank - t->n;
        if (r->ell_rank >= 0 && e > r->ell_rank)
            r->ell_rank = e;
        for (int d = 0; d < s->rank; d++) {
            int l = dim_label(t, s->rank, d);
            oc_dim v = s->dims[d], *cur = &r->size[l];
            r->used[l] = true;
            if (!bound[l]) {
                *cur = v;
                bound[l] = true;
                from[l] = k;
            } else if (l < EIN_LETTERS) {
                /* A letter: the same size everywhere. */
                if (dim_is_known(v) && dim_is_known(*cur) &&
                    v.value != cur->value) {
                    snprintf(why, wsize, "letter '%c' is %lld in operand %d "
                             "but %lld in operand %d (dim %d); letters do not "
                             "broadcast", label_letter(l),
                             (long long)cur->value, from[l],
                             (long long)v.value, k, d);
                    return false;
                }
                if (dim_is_known(v))
                    *cur = v;   /* the run checks the symbol */
            } else if (dim_is_known(v) && dim_is_known(*cur)) {
                /* An ellipsis dim: 1 stretches. */
                if (v.value != cur->value && v.value != 1 && cur->value != 1) {
                    snprintf(why, wsize, "ellipsis dim %d from the right is "
                             "%lld in operand %d but %lld in operand %d; they "
                             "do not broadcast", ell_label(0) - l,
                             (long long)cur->value, from[l],
                             (long long)v.value, k);
                    return false;
                }
                if (cur->value == 1)
                    *cur = v;
            } else {
                *cur = stretch(*cur, v);
            }
        }
    }
    for (int l = 0; l < EIN_LABELS; l++)
        if (r->used[l] && !bound[l])
            r->size[l] = dim_unknown();
    const ein_term *o = &p->out;
    if (o->ell >= 0 && r->ell_rank < 0) {
        r->out.rank = -1;
    } else {
        int e = o->ell >= 0 ? r->ell_rank : 0;
        if (o->n + e > ONNXC_MAX_RANK) {
            *code = ONNXC_ERR_UNSUPPORTED;
            snprintf(why, wsize, "the output would have rank %d; onnxc "
                     "holds at most %d", o->n + e, ONNXC_MAX_RANK);
            return false;
        }
        r->out.rank = o->n + e;
        for (int d = 0; d < r->out.rank; d++)
            r->out.dims[d] = r->size[dim_label(o, r->out.rank, d)];
    }
    /* The loop's steps must be countable: the product of every size. */
    size_t steps = 1;
    bool known = r->ell_rank >= 0, empty = false;
    for (int l = 0; l < EIN_LABELS; l++)
        if (r->used[l]) {
            known &= dim_is_known(r->size[l]);
            empty |= dim_is_known(r->size[l]) && r->size[l].value == 0;
        }
    for (int l = 0; known && !empty && l < EIN_LABELS; l++)
        if (r->used[l] && !oc_size_mul(steps, (size_t)r->size[l].value, &steps)) {
            snprintf(why, wsize, "the product of its letters' sizes overflows");
            return false;
        }
    return true;
}

static bool takes(onnxc_dtype t)
{
    switch (t) {
    case ONNXC_FLOAT: case ONNXC_DOUBLE:
    case ONNXC_INT8: case ONNXC_INT16: case ONNXC_INT32: case ONNXC_INT64:
    case ONNXC_UINT8: case ONNXC_UINT16: case ONNXC_UINT32: case ONNXC_UINT64:
        return true;
    default:
        return false;
    }
}

#define EINSUM_TYPES \
    "float, double, int8, int16, int32, int64, uint8, uint16, uint32, uint64"


static onnxc_status *einsum_infer(const oc_infer_ctx *ctx)
{
    const einsum_params *p = ctx->params;
    const oc_node *node = ctx->node;
    const oc_type *first = ctx->in[0];
    char desc[300], why[300], what[32];
    onnxc_code code;
    ein_dims r;
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_type *x = ctx->in[k];
        snprintf(what, sizeof what, "input %d", k);
        if (!x)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is omitted; every operand is "
                            "required", oc_node_desc(node, desc, sizeof desc),
                            k);
        if (!takes(x->dtype))
            return oc_bad_dtype(node, what, x->dtype, EINSUM_TYPES);
        if (x->dtype != first->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is %s, input 0 %s; all operands "
                            "share one type",
                            oc_node_desc(node, desc, sizeof desc), k,
                            onnxc_dtype_name(x->dtype),
                            onnxc_dtype_name(first->dtype));
    }
    if (!resolve(p, type_shape, ctx, &r, &code, why, sizeof why))
        return oc_error(code, "%s: equation '%s': %s",
                        oc_node_desc(node, desc, sizeof desc), p->equation,
                        why);
    ctx->out[0]->dtype = first->dtype;
    ctx->out[0]->shape = r.out;
    return NULL;
}

/* The step, in elements, of term t's operand x along each label: the
 * strides of the dims it names added up (a repeated letter walks the
 * diagonal), 0 for an ellipsis dim of 1 stretched to a wider size. */
static void label_steps(const ein_term *t, const oc_tensor *x,
                        const ein_dims *r, size_t step[EIN_LABELS])
{
    size_t stride = 1;
    memset(step, 0, EIN_LABELS * sizeof *step);
    for (int d = x->rank - 1; d >= 0; d--) {
        int l = dim_label(t, x->rank, d);
        if (x->dims[d] == r->size[l].value)
            step[l] += stride;
        stride *= (size_t)x->dims[d];
    }
}

/* Moves the odometer one step over dims [from, to): idx and each
 * operand's offset; a dim that wraps takes its offsets back. */
static void advance(int n_ops, int from, int to, const size_t *size,
                    const size_t (*step)[EIN_MAX_OPERANDS], size_t *idx,
                    size_t *off)
{
    for (int i = to - 1; i >= from; i--) {
        if (++idx[i] < size[i]) {
            for (int k = 0; k < n_ops; k++)
                off[k] += step[i][k];
            return;
        }
        idx[i] = 0;
        for (int k = 0; k < n_ops; k++)
            off[k] -= step[i][k] * (size[i] - 1);
    }
}

/* The plain loop's walk: the output's dims in order (so Y is written
 * row-major), then the summed labels, each operand's step along them. */
typedef struct ein_loop {
    int n_ops, n_out, n;
    size_t size[EIN_LABELS];
    size_t step[EIN_LABELS][EIN_MAX_OPERANDS];
    size_t out_count, sum_count;
} ein_loop;

static void plan_loop(const einsum_params *p, const oc_run_ctx *ctx,
                      const ein_dims *r, ein_loop *lp)
{
    int lab[EIN_LABELS];
    bool in_out[EIN_LABELS] = {false};
    size_t st[EIN_LABELS];
    lp->n_ops = p->n_terms;
    lp->n = 0;
    for (int d = 0; d < r->out.rank; d++) {
        lab[lp->n] = dim_label(&p->out, r->out.rank, d);
        in_out[lab[lp->n++]] = true;
    }
    lp->n_out = lp->n;
    for (int l = 0; l < EIN_LABELS; l++)
        if (r->used[l] && !in_out[l])
            lab[lp->n++] = l;
    lp->out_count = lp->sum_count = 1;
    for (int i = 0; i < lp->n; i++) {
        lp->size[i] = (size_t)r->size[lab[i]].value;
        if (i < lp->n_out)
            lp->out_count *= lp->size[i];
        else
            lp->sum_count *= lp->size[i];
    }
    for (int k = 0; k < p->n_terms; k++) {
        label_steps(&p->in[k], ctx->in[k], r, st);
        for (int i = 0; i < lp->n; i++)
            lp->step[i][k] = st[lab[i]];
    }
}

/* Each output element: the sum over the summed labels of the product of
 * the operands, in ACC, rounded to T once. An empty sum is 0. */
#define EIN_LOOP(name, T, ACC)                                                 \
    static void name(const ein_loop *lp, const oc_tensor *const *in, T *y)    \
    {                                                                          \
        size_t idx[EIN_LABELS] = {0}, off[EIN_MAX_OPERANDS] = {0};             \
        for (size_t o = 0; o < lp->out_count; o++) {                           \
            ACC acc = 0;                                                       \
            for (size_t s = 0; s < lp->sum_count; s++) {                       \
                ACC prod = 1;                                                  \
                for (int k = 0; k < lp->n_ops; k++)                            \
                    prod *= (ACC)((const T *)in[k]->data)[off[k]];             \
                acc += prod;                                                   \
                advance(lp->n_ops, lp->n_out, lp->n, lp->size, lp->step, idx,  \
                        off);                                                  \
            }                                                                  \
            y[o] = (T)acc;                                                     \
            advance(lp->n_ops, 0, lp->n_out, lp->size, lp->step, idx, off);    \
        }                                                                      \
    }

EIN_LOOP(ein_float, float, double)
EIN_LOOP(ein_double, double, double)
EIN_LOOP(ein_int8, int8_t, uint64_t)
EIN_LOOP(ein_int16, int16_t, uint64_t)
EIN_LOOP(ein_int32, int32_t, uint64_t)
EIN_LOOP(ein_int64, int64_t, uint64_t)
EIN_LOOP(ein_uint8, uint8_t, uint64_t)
EIN_LOOP(ein_uint16, uint16_t, uint64_t)
EIN_LOOP(ein_uint32, uint32_t, uint64_t)
EIN_LOOP(ein_uint64, uint64_t, uint64_t)

static void run_plain(const einsum_params *p, const oc_run_ctx *ctx,
                      const ein_dims *r)
{
    ein_loop lp;
    plan_loop(p, ctx, r, &lp);
    /* An empty Y has no memory behind it (its pointer may be NULL). */
    if (lp.out_count == 0)
        return;
    void *y = ctx->out[0]->data;
    switch (ctx->in[0]->dtype) {
#define CASE(E, fn) case E: fn(&lp, ctx->in, y); break;
    CASE(ONNXC_FLOAT, ein_float)
    CASE(ONNXC_DOUBLE, ein_double)
    CASE(ONNXC_INT8, ein_int8)
    CASE(ONNXC_INT16, ein_int16)
    CASE(ONNXC_INT32, ein_int32)
    CASE(ONNXC_INT64, ein_int64)
    CASE(ONNXC_UINT8, ein_uint8)
    CASE(ONNXC_UINT16, ein_uint16)
    CASE(ONNXC_UINT32, ein_uint32)
    CASE(ONNXC_UINT64, ein_uint64)
#undef CASE
    default:
        break;   /* infer refused the rest */
    }
}

/* A two-operand float product as batched Gemm. The labels fall in four
 * groups: batch (in A, B and Y), M (A and Y), N (B and Y), K (A and B,
 * summed). Each group's dims are listed with their sizes and the steps
 * of A, B and Y along them. A label summed in one operand alone has no
 * place here: such products take the plain loop, as do empty ones. */
enum { EG_BATCH, EG_M, EG_N, EG_K, EG_GROUPS };

typedef struct ein_gemm {
    int n[EG_GROUPS];
    size_t size[EG_GROUPS][EIN_LABELS];
    size_t a[EG_GROUPS][EIN_LABELS], b[EG_GROUPS][EIN_LABELS],
        y[EG_GROUPS][EIN_LABELS];
    size_t count[EG_GROUPS];    /* batch, M, N, K */
    size_t ws_floats;           /* the Gemm kernel's scratch, then */
    size_t a_at, b_at, y_at;    /* the gathered A, B and the products */
    size_t floats;              /* the workspace */
} ein_gemm;

/* Floats rounded up to 64 bytes, each part of the workspace aligned. */
static bool add_part(size_t *at, size_t floats)
{
    size_t rounded = (floats + 15) / 16 * 16;
    if (rounded < floats || *at + rounded < *at)
        return false;
    *at += rounded;
    return true;
}

static void add_dim(ein_gemm *g, int grp, int l, const ein_dims *r,
                    const size_t *sa, const size_t *sb, const size_t *sy)
{
    int i = g->n[grp]++;
    g->size[grp][i] = (size_t)r->size[l].value;
    g->a[grp][i] = sa[l];
    g->b[grp][i] = sb[l];
    g->y[grp][i] = sy[l];
    g->count[grp] *= g->size[grp][i];
}

/* True when the product goes through Gemm, with its layout in *g. */
static bool plan_gemm(const einsum_params *p, const oc_run_ctx *ctx,
                      const ein_dims *r, ein_gemm *g)
{
    size_t sa[EIN_LABELS], sb[EIN_LABELS], sy[EIN_LABELS];
    bool in_a[EIN_LABELS] = {false}, in_b[EIN_LABELS] = {false},
         in_y[EIN_LABELS] = {false};
    if (p->plain || p->n_terms != 2 || ctx->in[0]->dtype != ONNXC_FLOAT)
        return false;   /* (in[1] exists only for two terms) */
    const oc_tensor *a = ctx->in[0], *b = ctx->in[1];
    memset(g, 0, sizeof *g);
    for (int k = 0; k < EG_GROUPS; k++)
        g->count[k] = 1;
    for (int d = 0; d < a->rank; d++)
        in_a[dim_label(&p->in[0], a->rank, d)] = true;
    for (int d = 0; d < b->rank; d++)
        in_b[dim_label(&p->in[1], b->rank, d)] = true;
    label_steps(&p->in[0], a, r, sa);
    label_steps(&p->in[1], b, r, sb);
    /* Y's steps: row-major over its dims, which name distinct labels. */
    memset(sy, 0, sizeof sy);
    size_t stride = 1;
    for (int d = r->out.rank - 1; d >= 0; d--) {
        int l = dim_label(&p->out, r->out.rank, d);
        in_y[l] = true;
        sy[l] = stride;
        stride *= (size_t)r->out.dims[d].value;
    }
    for (int l = 0; l < EIN_LABELS; l++)
        if (r->used[l] && (r->size[l].value == 0 ||
                           (!in_y[l] && !(in_a[l] && in_b[l]))))
            return false;   /* empty, or summed in one operand only */
    /* Each group's dims in Y's order; K's in label order. */
    for (int d = 0; d < r->out.rank; d++) {
        int l = dim_label(&p->out, r->out.rank, d);
        add_dim(g, in_a[l] && in_b[l] ? EG_BATCH : in_a[l] ? EG_M : EG_N, l,
                r, sa, sb, sy);
    }
    for (int l = 0; l < EIN_LABELS; l++)
        if (r->used[l] && !in_y[l])
            add_dim(g, EG_K, l, r, sa, sb, sy);
    size_t batch = g->count[EG_BATCH], m = g->count[EG_M],
           n = g->count[EG_N], k = g->count[EG_K], am, bm, ym;
    g->ws_floats = oc_gemm_f32_workspace_floats(p->kernel, m, n, k,
                                                ctx->threads, false);
    g->floats = 0;
    if (!add_part(&g->floats, g->ws_floats))
        return false;
    g->a_at = g->floats;
    if (!oc_size_mul(batch, m * k, &am) || !add_part(&g->floats, am))
        return false;
    g->b_at = g->floats;
    if (!oc_size_mul(batch, k * n, &bm) || !add_part(&g->floats, bm))
        return false;
    g->y_at = g->floats;
    return oc_size_mul(batch, m * n, &ym) && add_part(&g->floats, ym);
}

/* Copies between a packed buffer and a strided tensor over the dims of
 * three groups of *g, `steps` the tensor's: gather reads the tensor,
 * scatter writes it. */
static void walk(const ein_gemm *g, const int grp[3],
                 const size_t (*steps)[EIN_LABELS], const float *src,
                 float *dst, bool scatter)
{
    size_t size[EIN_LABELS], step[EIN_LABELS], idx[EIN_LABELS] = {0};
    size_t count = 1, off = 0;
    int n = 0;
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < g->n[grp[j]]; i++) {
            size[n] = g->size[grp[j]][i];
            step[n++] = steps[grp[j]][i];
            count *= g->size[grp[j]][i];
        }
    for (size_t e = 0; e < count; e++) {
        if (scatter)
            dst[off] = src[e];
        else
            dst[e] = src[off];
        for (int i = n - 1; i >= 0; i--) {
            if (++idx[i] < size[i]) {
                off += step[i];
                break;
            }
            idx[i] = 0;
            off -= step[i] * (size[i] - 1);
        }
    }
}

static void run_gemm(const einsum_params *p, const oc_run_ctx *ctx,
                     const ein_gemm *g)
{
    static const int ga[3] = {EG_BATCH, EG_M, EG_K},
                     gb[3] = {EG_BATCH, EG_K, EG_N},
                     gy[3] = {EG_BATCH, EG_M, EG_N};
    float *ws = ctx->workspace;
    float *a = ws + g->a_at, *b = ws + g->b_at, *y = ws + g->y_at;
    size_t m = g->count[EG_M], n = g->count[EG_N], k = g->count[EG_K];
    walk(g, ga, g->a, ctx->in[0]->data, a, false);
    walk(g, gb, g->b, ctx->in[1]->data, b, false);
    for (size_t t = 0; t < g->count[EG_BATCH]; t++) {
        gemm_f32_problem pr;
        memset(&pr, 0, sizeof pr);
        pr.m = m;
        pr.n = n;
        pr.k = k;
        pr.a = a + t * m * k;
        pr.b = b + t * k * n;
        pr.y = y + t * m * n;
        pr.alpha = 1.0f;
        oc_gemm_f32_compute(p->kernel, &pr, ws, ctx->pool);
    }
    walk(g, gy, g->y, y, ctx->out[0]->data, true);
}

/* The Gemm path's gathered operands and products, planned with the
 * session's arena; 0 for the plain loop. */
static size_t einsum_workspace(const oc_run_ctx *ctx)
{
    const einsum_params *p = ctx->params;
    ein_dims r;
    ein_gemm g;
    onnxc_code code;
    char why[300];
    if (!resolve(p, tensor_shape, ctx, &r, &code, why, sizeof why) ||
        !plan_gemm(p, ctx, &r, &g))
        return 0;
    return g.floats * sizeof(float);
}

static onnxc_status *einsum_run(const oc_run_ctx *ctx)
{
    const einsum_params *p = ctx->params;
    ein_dims r;
    ein_gemm g;
    onnxc_code code;
    char why[300];
    /* infer checked these shapes at plan time; this gives the sizes. */
    if (!resolve(p, tensor_shape, ctx, &r, &code, why, sizeof why))
        return oc_run_error(ctx, "equation '%s': %s", p->equation, why);
    if (plan_gemm(p, ctx, &r, &g) && ctx->workspace)
        run_gemm(p, ctx, &g);
    else
        run_plain(p, ctx, &r);
    return NULL;
}

static const int einsum_versions[] = {12, 0};

const oc_op oc_op_einsum = {
    .domain = "",
    .op_type = "Einsum",
    .versions = einsum_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = OC_VARIADIC,
    .min_outputs = 1, .max_outputs = 1,
    .types = EINSUM_TYPES,
    .prepare = einsum_prepare,
    .infer = einsum_infer,
    .workspace = einsum_workspace,
    .run = einsum_run,
};
