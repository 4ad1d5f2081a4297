/*
 * spawn_time.c - whole processes timed from outside: runs each command
 * N times, the commands taking turns (A B A B ...) so that drift in the
 * machine's speed hits them alike, and prints for each the fastest and
 * the median wall time and the largest peak RSS (wait4's ru_maxrss).
 *
 *   spawn_time N CMD_A ARGS... [-- CMD_B ARGS...]
 *
 * Output goes to /dev/null. A command that exits non-zero is an error
 * (exit 2): a figure of a failed run means nothing.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

typedef struct timing {
    double *ms;
    long peak_kb;
} timing;

static void run_once(char **argv, timing *t, int k)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    struct timespec a, b;
    struct rusage ru;
    pid_t pid;
    int status;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        fprintf(stderr, "spawn_time: cannot run %s\n", argv[0]);
        exit(2);
    }
    wait4(pid, &status, 0, &ru);
    clock_gettime(CLOCK_MONOTONIC, &b);
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "spawn_time: %s failed\n", argv[0]);
        exit(2);
    }
    t->ms[k] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
               (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    if (ru.ru_maxrss > t->peak_kb)
        t->peak_kb = ru.ru_maxrss;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void report(const char *label, timing *t, int n)
{
    qsort(t->ms, (size_t)n, sizeof *t->ms, by_value);
    printf("%s: fastest %.3f ms, median %.3f ms, peak RSS %.1f MiB\n", label,
           t->ms[0], t->ms[n / 2], (double)t->peak_kb / 1024.0);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: spawn_time N CMD_A ... [-- CMD_B ...]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    char **a = argv + 2, **b = NULL;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;
            b = argv + i + 1;
            break;
        }
    if (n < 1 || (b && !b[0])) {
        fprintf(stderr, "spawn_time: bad arguments\n");
        return 2;
    }
    timing ta = {calloc((size_t)n, sizeof(double)), 0};
    timing tb = {calloc((size_t)n, sizeof(double)), 0};
    if (!ta.ms || !tb.ms)
        return 2;
    for (int k = 0; k < n; k++) {
        run_once(a, &ta, k);
        if (b)
            run_once(b, &tb, k);
    }
    report("A", &ta, n);
    if (b) {
        report("B", &tb, n);
        printf("A/B fastest %.2f\n", ta.ms[0] / tb.ms[0]);
    }
    return 0;
}
