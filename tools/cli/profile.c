/* profile.c - onnxc-run --profile (see profile.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

typedef struct node_row {
    size_t index;
    onnxc_node_profile p;     /* of the last run */
    double median;            /* seconds over the runs */
} node_row;

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_median_down(const void *a, const void *b)
{
    const node_row *x = a, *y = b;
    if (x->median != y->median)
        return x->median < y->median ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void format_shape(const onnxc_node_profile *p, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "[");
    for (int d = 0; d < p->rank && len < size; d++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", d ? "," : "",
                                (long long)p->dims[d]);
    if (len < size)
        snprintf(buf + len, size - len, "]");
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* false with errno set when the file cannot be written. */
static bool write_json(const char *path, const node_row *rows, size_t n,
                       double run_median, int runs)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "{\"runs\": %d, \"run_seconds\": %.9g, \"nodes\": [", runs,
            run_median);
    for (size_t i = 0; i < n; i++) {
        const node_row *r = &rows[i];
        char shape[256];
        format_shape(&r->p, shape, sizeof shape);
        fprintf(f, "%s\n  {\"index\": %zu, \"name\": ", i ? "," : "", r->index);
        json_string(f, r->p.name);
        fprintf(f, ", \"op_type\": ");
        json_string(f, r->p.op_type);
        fprintf(f, ", \"shape\": %s, \"median_seconds\": %.9g, "
                   "\"share\": %.6f, \"flops\": %.17g}",
                shape[1] == ']' ? "[]" : shape, r->median,
                run_median > 0 ? r->median / run_median : 0, r->p.flops);
    }
    fprintf(f, "\n]}\n");
    bool bad = ferror(f) != 0;
    if (bad)
        errno = EIO;
    return !(fclose(f) != 0 || bad);
}

bool profile_print(onnxc_session *session, int runs, FILE *out,
                   const char *json_path, char *err, size_t err_size)
{
    size_t n = onnxc_session_node_count(session);
    node_row *rows = calloc(n + 1, sizeof *rows);
    double *times = calloc(n * (size_t)runs + 1, sizeof *times);
    double *totals = calloc((size_t)runs + 1, sizeof *totals);
    onnxc_status *status = NULL;
    bool ok = false;
    if (!rows || !times || !totals) {
        snprintf(err, err_size, "out of memory");
        goto done;
    }
    for (int r = 0; !status && r < runs; r++) {
        if ((status = onnxc_session_run(session)))
            break;
        for (size_t i = 0; !status && i < n; i++) {
            status = onnxc_session_node_profile(session, i, &rows[i].p);
            times[i * (size_t)runs + (size_t)r] = rows[i].p.seconds;
            totals[r] += rows[i].p.seconds;
        }
    }
    if (status) {
        snprintf(err, err_size, "%s", onnxc_status_message(status));
        onnxc_status_free(status);
        goto done;
    }
    double run_median = median(totals, runs);
    for (size_t i = 0; i < n; i++) {
        rows[i].index = i;
        rows[i].median = median(&times[i * (size_t)runs], runs);
    }
    qsort(rows, n, sizeof *rows, by_median_down);
    fprintf(out, "profile: %d runs, median %.3f ms in kernels, %zu nodes\n",
            runs, run_median * 1e3, n);
    fprintf(out, "| node | op | output shape | median ms | share | GFLOP/s |\n"
                 "|---|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < n; i++) {
        const node_row *r = &rows[i];
        char shape[256], rate[32] = "";
        format_shape(&r->p, shape, sizeof shape);
        if (r->p.flops > 0 && r->median > 0)
            snprintf(rate, sizeof rate, "%.1f", r->p.flops / r->median * 1e-9);
        fprintf(out, "| %s | %s | %s | %.4f | %.1f%% | %s |\n", r->p.name,
                r->p.op_type, shape, r->median * 1e3,
                run_median > 0 ? 100 * r->median / run_median : 0.0, rate);
    }
    ok = !json_path || write_json(json_path, rows, n, run_median, runs);
    if (!ok)
        snprintf(err, err_size, "%s: %s", json_path, strerror(errno));
done:
    free(rows);
    free(times);
    free(totals);
    return ok;
}
