/*
 * embed.c - onnxc from a C program: load a model once, run it on a batch
 * held in the caller's memory, read the outputs, free everything.
 *
 *   embed_example model.onnx
 *
 * The model must take one float input [batch, features]. The example fills
 * a batch of 4 rows with a ramp, runs it twice (the second run reuses the
 * memory plan and allocates nothing), and prints the first output.
 */
#include <stdio.h>
#include <stdlib.h>

#include "onnxc.h"

static int fail(onnxc_status *s)
{
    fprintf(stderr, "embed_example: %s: %s\n",
            onnxc_code_name(onnxc_status_code(s)), onnxc_status_message(s));
    onnxc_status_free(s);
    return 2;
}

int main(int argc, char **argv)
{
    onnxc_status *s;
    onnxc_model *model = NULL;
    onnxc_session *session = NULL;
    onnxc_value_info in, out_info;
    onnxc_tensor_view out;

    if (argc != 2) {
        fprintf(stderr, "usage: embed_example model.onnx\n");
        return 2;
    }
    if ((s = onnxc_model_load_file(argv[1], &model)))
        return fail(s);
    if ((s = onnxc_model_input_info(model, 0, &in)) ||
        (s = onnxc_model_output_info(model, 0, &out_info)) ||
        (s = onnxc_session_create(model, NULL, &session)))
        goto error;
    if (in.dtype != ONNXC_FLOAT || in.rank != 2 || in.dims[1] < 0) {
        fprintf(stderr, "embed_example: expected a float [batch, features] "
                        "input\n");
        onnxc_session_free(session);
        onnxc_model_free(model);
        return 2;
    }

    int64_t dims[2] = {4, in.dims[1]};
    float *x = malloc(sizeof(float) * 4 * (size_t)in.dims[1]);
    if (!x) {
        fprintf(stderr, "embed_example: out of memory\n");
        onnxc_session_free(session);
        onnxc_model_free(model);
        return 2;
    }
    for (int64_t i = 0; i < 4 * in.dims[1]; i++)
        x[i] = (float)i / 10.0f - 1.0f;

    /* The session reads x in place: it must stay valid until run returns. */
    for (int pass = 0; pass < 2; pass++)
        if ((s = onnxc_session_bind_input(session, 0, ONNXC_FLOAT, dims, 2, x)) ||
            (s = onnxc_session_run(session)))
            break;
    if (!s)
        s = onnxc_session_output(session, 0, &out);
    free(x);
    if (s)
        goto error;

    const float *y = out.data;
    printf("%s: [%lld x %lld]\n", out_info.name, (long long)out.dims[0],
           (long long)out.dims[1]);
    for (int64_t r = 0; r < out.dims[0]; r++) {
        for (int64_t c = 0; c < out.dims[1]; c++)
            printf("%s%.6f", c ? " " : "  ", y[r * out.dims[1] + c]);
        printf("\n");
    }
    onnxc_session_free(session);  /* out.data dies with the session */
    onnxc_model_free(model);
    return 0;

error:
    onnxc_session_free(session);
    onnxc_model_free(model);
    return fail(s);
}
