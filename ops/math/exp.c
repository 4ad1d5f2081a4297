/*
 * exp.c - Exp: y = e to the x, elementwise (versions 1, 6, 13), float and
 * double. Float through the vector loop of vec_exp.h where the CPU has
 * one (measured within 1 ulp on every 13th float, subnormal results
 * kept; the tests allow 3), libm's expf otherwise; double from libm.
 */
#include <math.h>

#include "ops/common/unary.h"
#include "ops/kernels/vec_exp.h"

UNARY_LOOP_OF_TYPE(exp_double, double, y = exp(x))

static void exp_float(void *y, const void *x, size_t n, const unary_params *p)
{
    oc_vec_exp_f32(p->isa, y, x, n);
}

UNARY_MATH_OP_OF_LOOPS(exp, "Exp", 1, 6, 13)
