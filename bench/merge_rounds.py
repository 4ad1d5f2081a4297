#!/usr/bin/python3
"""Merge one engine's rounds into the one JSON bench/report.py reads.

    /usr/bin/python3 bench/merge_rounds.py point OUT.json ROUND.json...
    /usr/bin/python3 bench/merge_rounds.py blas OUT.json ROUND.json...

bench/run.sh measures every point in R short rounds, the engines taking
turns, because this VM's CPUs are shared and their throughput varies over
seconds: a ratio of two engines is only fair from times taken close
together. Here the rounds become one measurement:

- point: rounds of one engine at one point (onnxc-bench or bench/ort_bench
  --json): p50, p90, p99 and mean are the medians of the rounds' figures,
  min is the least min, runs and total_s are sums; throughput and GFLOP/s
  follow from the merged mean, as the tools derive them from theirs;
  arena, peak RSS and OS threads are the largest of any round. Every
  round's checksum is kept ("checksums"), for the report to compare them
  all.
- blas: rounds of bench/blas_bench --json for one OpenBLAS variant and
  thread count, over any shapes (each call measures a few): merged per
  MxNxK in the order shapes first appear, the same way.

Both add "rounds" (how many were merged) and "p50_rounds_ms" (each
round's p50, in order). Fails loudly on an empty or malformed round, or on
rounds that disagree about what they measured.
"""
import json
import statistics
import sys


def die(msg):
    sys.exit("bench/merge_rounds.py: " + msg)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die("cannot read round %s: %s" % (path, e))


def same(rounds, key, paths):
    """The one value every round gives for key."""
    values = {json.dumps(r[key]) for r in rounds}
    if len(values) != 1:
        die("rounds disagree on %s (%s): %s" % (key, ", ".join(paths),
                                                ", ".join(sorted(values))))
    return rounds[0][key]


def median(xs):
    return statistics.median(xs)


def merge_point(paths):
    rounds = [load(p) for p in paths]
    out = {}
    for key in ("engine", "version", "model", "batch", "threads_requested",
                "threads", "threads_supported", "warmup", "flops"):
        out[key] = same(rounds, key, paths)
    out["os_threads"] = max(r["os_threads"] for r in rounds)
    out["rounds"] = len(rounds)
    out["runs"] = sum(r["runs"] for r in rounds)
    out["total_s"] = sum(r["total_s"] for r in rounds)
    out["min_ms"] = min(r["min_ms"] for r in rounds)
    for key in ("p50_ms", "p90_ms", "p99_ms", "mean_ms"):
        out[key] = median([r[key] for r in rounds])
    out["p50_rounds_ms"] = [r["p50_ms"] for r in rounds]
    # What the tools compute from their own mean (batch * runs / sum of the
    # runs' times is batch / mean), from the merged one.
    out["throughput"] = out["batch"] / (out["mean_ms"] * 1e-3)
    out["gflops"] = (out["flops"] / (out["mean_ms"] * 1e-3) * 1e-9
                     if out["flops"] else None)
    arenas = [r["arena_bytes"] for r in rounds if r["arena_bytes"] is not None]
    out["arena_bytes"] = max(arenas) if arenas else None
    out["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in rounds)
    out["checksum"] = rounds[0]["checksum"]
    out["checksum_abs"] = max(r["checksum_abs"] for r in rounds)
    out["checksums"] = [r["checksum"] for r in rounds]
    return out


def merge_blas(paths):
    rounds = [load(p) for p in paths]
    out = {}
    for key in ("corename", "config", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                "threads"):
        out[key] = same(rounds, key, paths)
    by_shape = {}   # (m, n, k) -> that shape's rounds, in first-seen order
    for r in rounds:
        if not r["gemm"]:
            die("a blas_bench round measured no shape (%s)" % ", ".join(paths))
        for g in r["gemm"]:
            by_shape.setdefault((g["m"], g["n"], g["k"]), []).append(g)
    gemm = []
    for (m, n, k), gs in by_shape.items():
        flop = 2.0 * m * n * k
        g = {"m": m, "n": n, "k": k, "rounds": len(gs),
             "runs": sum(x["runs"] for x in gs),
             "min_ms": min(x["min_ms"] for x in gs),
             "p50_ms": median([x["p50_ms"] for x in gs]),
             "mean_ms": median([x["mean_ms"] for x in gs]),
             "p50_rounds_ms": [x["p50_ms"] for x in gs]}
        g["gflops"] = flop / (g["mean_ms"] * 1e-3) * 1e-9
        g["gflops_p50"] = flop / (g["p50_ms"] * 1e-3) * 1e-9
        g["gflops_best"] = flop / (g["min_ms"] * 1e-3) * 1e-9
        gemm.append(g)
    out["gemm"] = gemm
    out["rounds"] = min(g["rounds"] for g in gemm)
    return out


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("point", "blas"):
        die("usage: merge_rounds.py point|blas OUT.json ROUND.json...")
    kind, dest, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    merged = merge_point(paths) if kind == "point" else merge_blas(paths)
    with open(dest, "w") as f:
        json.dump(merged, f)
        f.write("\n")


if __name__ == "__main__":
    main()
