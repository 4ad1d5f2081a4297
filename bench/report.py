#!/usr/bin/python3
"""Turn one bench/run.sh run into markdown tables.

    /usr/bin/python3 bench/report.py RESULTS/manifest.tsv

The manifest (written by run.sh) lists every measured point, one per line,
tab-separated:

    case   NAME BATCH FLOP-per-run SHAPES (MxNxK,... its Gemms) [BYTES]
    onnxc  NAME BATCH THREADS file.json   (onnxc-bench --json)
    ort    NAME BATCH THREADS file.json   (bench/ort_bench --json)
    ort-nospin NAME BATCH THREADS file.json (bench/ort_bench --no-spin --json)
    blas   VARIANT THREADS file.json      (bench/blas_bench --json)
    peak   - - THREADS file.json          (bench/blas_bench --peak --json)
    once   - - 1 file.json                (hyperfine --export-json)

Every ratio is a ratio of speeds, onnxc's over the other's: 1.00 is as
fast, 0.25 is a quarter of the speed (4x the time). Nothing is judged:
the tables only show what was measured. Cases with BYTES (bytes read and
written per run: the operator suite) get their own table, with GB/s.

The onnxc, ort, ort-nospin and blas files are each several rounds merged
by bench/merge_rounds.py (same fields, plus "rounds", "p50_rounds_ms" and,
for the engines, "checksums": every round's); a file of one tool's own
JSON reads too, as one round.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def fmt_ms(ms):
    if ms is None:
        return "n/a"
    if ms >= 100:
        return "%.0f" % ms
    if ms >= 1:
        return "%.2f" % ms
    if ms >= 0.01:
        return "%.4f" % ms
    return "%.2g" % ms


def fmt_g(g):
    if g is None:
        return "n/a"
    return "%.1f" % g if g >= 1 else "%.3f" % g


def fmt_ratio(r):
    if r is None:
        return "n/a"
    return "%.2f" % r if r >= 0.1 else "%.3f" % r


def fmt_bytes(b):
    if b is None:
        return "n/a"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= size:
            return "%.1f %s" % (b / size, unit)
    return "%d B" % b


def main():
    cases = []          # (name, batch, flops, shapes) in run order
    moved = {}          # name -> bytes read and written per run
    points = {}         # (engine, name, batch, threads) -> json
    blas = {}           # (variant, threads) -> json
    peak = once = None
    with open(sys.argv[1]) as f:
        for line in f:
            kind, *rest = line.rstrip("\n").split("\t")
            if kind == "case":
                name, batch, flops, shapes = rest[:4]
                if len(rest) > 4 and int(rest[4]) > 0:
                    moved[name] = int(rest[4])
                cases.append((name, int(batch), int(flops),
                              [x for x in shapes.split(",") if x]))
            elif kind in ("onnxc", "ort", "ort-nospin"):
                name, batch, threads, path = rest
                points[(kind, name, int(batch), int(threads))] = load(path)
            elif kind == "blas":
                variant, threads, path = rest
                blas[(variant, int(threads))] = load(path)
            elif kind == "peak":
                peak = load(rest[-1])
            elif kind == "once":
                once = load(rest[-1])

    def blas_ms(shapes, threads, variant="unset"):
        """Sum of OpenBLAS's median times over a case's Gemms."""
        data = blas.get((variant, threads))
        if not data or not shapes:
            return None  # no Gemm in the case (identity)
        by_shape = {"%dx%dx%d" % (g["m"], g["n"], g["k"]): g["p50_ms"]
                    for g in data["gemm"]}
        return sum(by_shape[s] for s in shapes)

    def peak_g(threads):
        if not peak:
            return None
        return peak["peak"]["gflops_1_thread" if threads == 1
                            else "gflops_threads"]

    onnxc_threads = sorted({k[3] for k in points if k[0] == "onnxc"})
    rounds = max([d.get("rounds", 1) for d in points.values()] +
                 [d.get("rounds", 1) for d in blas.values()] or [1])
    out = []
    w = out.append

    # -------------------------------------------------------- operators
    if moved:
        w("## Operators against onnxruntime")
        w("")
        w("Each figure is the median over %d interleaved rounds, the "
          "engines taking turns at each point. GB/s is the bytes a run "
          "must read and write at the least (input once, output once, "
          "float32) over the median time. Ratios are onnxc's speed over "
          "onnxruntime's: **1.00 = as fast**; *no spin* is against "
          "onnxruntime with session.intra_op.allow_spinning=0 (n/a on 1 "
          "thread)." % rounds)
        w("")
        w("| case | threads | MB moved | onnxc ms | onnxruntime ms "
          "| onnxc GB/s | onnxruntime GB/s | onnxc/onnxruntime "
          "| onnxc/onnxruntime (no spin) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, batch, flops, shapes in cases:
        if name not in moved:
            continue
        for threads in (1, 2):
            def ms(engine):
                return (points.get((engine, name, batch, threads))
                        or {}).get("p50_ms")
            o_ms, r_ms = ms("onnxc"), ms("ort")
            n_ms = ms("ort-nospin") if threads > 1 else None
            gbs = lambda t: moved[name] / (t * 1e-3) * 1e-9 if t else None
            ratio = lambda other: other / o_ms if other and o_ms else None
            w("| %s | %d | %.1f | %s | %s | %s | %s | %s | %s |" % (
                name, threads, moved[name] / 1e6, fmt_ms(o_ms), fmt_ms(r_ms),
                fmt_g(gbs(o_ms)), fmt_g(gbs(r_ms)), fmt_ratio(ratio(r_ms)),
                fmt_ratio(ratio(n_ms))))
    if moved:
        w("")

    # ---------------------------------------------------------- summary
    # The Gemm, identity and MLP cases (the core suite).
    if any(c[0] not in moved for c in cases):
        w("## onnxc against onnxruntime, OpenBLAS and the FMA peak")
        w("")
        w("Each figure (the FMA peak aside) is the median over %d interleaved "
          "rounds, the engines taking turns at each point, because this VM's "
          "CPUs are shared with other tenants and their throughput varies over "
          "seconds: only times taken close together make a fair ratio. "
          "Median time per run (ms) and GFLOP/s (FLOP per run / median time; "
          "a run is one batch): the median, because on a 2-CPU virtual machine "
          "the mean also counts the runs another process preempted (means are "
          "in the next table). Ratios are onnxc's speed over the other's: "
          "**1.00 = as fast, 0.10 = ten times slower**. OpenBLAS is "
          "`cblas_sgemm` on the case's Gemm shapes, summed (no bias, no ReLU), "
          "with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. The peak is the "
          "measured FP32 FMA peak on that many threads. onnxruntime's "
          "intra-op workers spin-wait by default (they keep a CPU busy between "
          "runs); onnxc's sleep when no run is in flight. So "
          "*onnxc/onnxruntime (no spin)* is against onnxruntime with "
          "session.intra_op.allow_spinning=0 (its times are in the next "
          "table); it is n/a on 1 thread, where onnxruntime has no workers "
          "and the setting changes nothing." % rounds)
        w("")
        w("| case | batch | threads | onnxc ms | onnxruntime ms | OpenBLAS ms "
          "| onnxc GFLOP/s | onnxruntime GFLOP/s | OpenBLAS GFLOP/s "
          "| peak GFLOP/s | onnxc/onnxruntime | onnxc/onnxruntime (no spin) "
          "| onnxc/OpenBLAS | onnxc/peak |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        footnote = False
        for name, batch, flops, shapes in cases:
            if name in moved:
                continue
            for threads in (1, 2):
                ort = points.get(("ort", name, batch, threads))
                nospin = points.get(("ort-nospin", name, batch, threads)) \
                    if threads > 1 else None
                mine = points.get(("onnxc", name, batch, threads))
                mark = ""
                if mine is None and threads not in onnxc_threads:
                    # onnxc cannot use more threads yet: its 1-thread figure
                    # is what it gives on this machine.
                    mine = points.get(("onnxc", name, batch, 1))
                    mark = " ¹"
                    footnote = True
                o_ms = mine["p50_ms"] if mine else None
                r_ms = ort["p50_ms"] if ort else None
                n_ms = nospin["p50_ms"] if nospin else None
                b_ms = blas_ms(shapes, threads)
                g = lambda ms: flops / (ms * 1e-3) * 1e-9 if ms and flops else None
                p = peak_g(threads)
                ratio = lambda other: other / o_ms if other and o_ms else None
                w("| %s | %d | %d | %s%s | %s | %s | %s%s | %s | %s | %s | %s | %s "
                  "| %s | %s |" % (
                      name, batch, threads, fmt_ms(o_ms), mark, fmt_ms(r_ms),
                      fmt_ms(b_ms), fmt_g(g(o_ms)), mark, fmt_g(g(r_ms)),
                      fmt_g(g(b_ms)), fmt_g(p), fmt_ratio(ratio(r_ms)),
                      fmt_ratio(ratio(n_ms)), fmt_ratio(ratio(b_ms)),
                      fmt_ratio(g(o_ms) / p if g(o_ms) and p else None)))
        if footnote:
            w("")
            w("¹ onnxc has no thread option yet and runs on 1 thread: its "
              "1-thread figure, against the others' 2-thread ones.")
        w("")

    # ----------------------------------------------------------- details
    w("## Every point")
    w("")
    w("Latencies in ms; percentiles are nearest-rank (within 0.25%%), "
      "the median of the %d rounds' (as is the mean); min is the least of "
      "any round, runs the sum. *p50 by round*: the least and greatest "
      "round's p50, how much the machine moved under the point. " % rounds +
      "*onnxruntime-nospin*: onnxruntime with "
      "session.intra_op.allow_spinning=0. "
      "*outputs*: onnxc's and onnxruntime's sum of outputs on the same "
      "inputs agree within 1e-4 of the sum of magnitudes, in every round.")
    w("")
    w("| engine | case | batch | threads | OS threads | runs | min | p50 "
      "| p50 by round | p90 | p99 | mean | inferences/s | arena | peak RSS "
      "| outputs |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
      "|---:|---|")
    for name, batch, flops, shapes in cases:
        for engine in ("onnxc", "ort", "ort-nospin"):
            for threads in (1, 2):
                d = points.get((engine, name, batch, threads))
                if not d:
                    continue
                other = points.get(("ort" if engine == "onnxc" else "onnxc",
                                    name, batch, 1))
                agree = "n/a"
                if other:
                    scale = max(d["checksum_abs"], other["checksum_abs"], 1e-30)
                    agree = "agree"
                    for a in d.get("checksums", [d["checksum"]]):
                        for b in other.get("checksums", [other["checksum"]]):
                            if not abs(a - b) <= 1e-4 * scale:
                                agree = "**DIFFER** (%.6g vs %.6g)" % (a, b)
                thr = "%d" % d["threads"]
                if d["threads"] != d["threads_requested"]:
                    thr = "%d of %d" % (d["threads"], d["threads_requested"])
                by_round = d.get("p50_rounds_ms", [d["p50_ms"]])
                w("| %s | %s | %d | %s | %d | %d | %s | %s | %s–%s | %s | %s "
                  "| %s | %.0f | %s | %s | %s |" % (
                      {"ort": "onnxruntime", "ort-nospin":
                       "onnxruntime-nospin"}.get(engine, engine), name,
                      batch, thr, d["os_threads"], d["runs"],
                      fmt_ms(d["min_ms"]), fmt_ms(d["p50_ms"]),
                      fmt_ms(min(by_round)), fmt_ms(max(by_round)),
                      fmt_ms(d["p90_ms"]), fmt_ms(d["p99_ms"]),
                      fmt_ms(d["mean_ms"]), d["throughput"],
                      fmt_bytes(d["arena_bytes"]),
                      fmt_bytes(d["peak_rss_bytes"]), agree))
    w("")

    # ---------------------------------------------------------- OpenBLAS
    if blas:
        variants = sorted({v for v, _ in blas}, key=lambda v: v != "unset")
        w("## OpenBLAS, by environment")
        w("")
        w("`cblas_sgemm` GFLOP/s (median run; the median of the rounds' "
          "medians, each variant's rounds taking turns with the engines' "
          "at each point), Y[M,N] = A[M,K] * B[N,K]^T. "
          "Debian's OpenBLAS chooses its kernel when it loads; "
          "OPENBLAS_CORETYPE pins one.")
        w("")
        heads = []
        for v in variants:
            d = blas.get((v, 1)) or blas.get((v, 2))
            label = {"unset": "both unset", "env": "as the environment sets "
                     "them", "forced": "forced"}.get(v, v)
            heads.append((v, "%s: CORETYPE=%s, L2_SIZE=%s, kernel %s" % (
                label, d["OPENBLAS_CORETYPE"], d["OPENBLAS_L2_SIZE"],
                d["corename"])))
        for v, h in heads:
            w("- **%s**: %s" % (v, h))
        w("")
        cols = [(v, t) for v in variants for t in (1, 2) if (v, t) in blas]
        w("| MxNxK | " + " | ".join("%s, %d thr" % c for c in cols) + " |")
        w("|---|" + "---:|" * len(cols))
        first = blas[cols[0]]["gemm"]
        for i, g in enumerate(first):
            shape = "%dx%dx%d" % (g["m"], g["n"], g["k"])
            w("| %s | " % shape + " | ".join(
                fmt_g(blas[c]["gemm"][i]["gflops_p50"]) for c in cols) + " |")
        w("")

    # -------------------------------------------------------------- peak
    if peak:
        pk = peak["peak"]
        w("## FP32 FMA peak")
        w("")
        w("Independent %s FMAs in registers, best of 3: %.1f GFLOP/s on 1 "
          "thread, %.1f GFLOP/s on %d threads." % (
              pk["isa"], pk["gflops_1_thread"], pk["gflops_threads"],
              pk["threads"]))
        w("")

    # -------------------------------------------------------------- once
    if once:
        w("## One process per inference")
        w("")
        w("From exec to exit: load the runtime and the reference network, "
          "create a session, run once at batch 1, tear down.")
        w("")
        w("| command | mean ms | median ms | min ms |")
        w("|---|---:|---:|---:|")
        res = once["results"]
        for r in res:
            w("| `%s` | %.2f | %.2f | %.2f |" % (
                r["command"], r["mean"] * 1e3, r["median"] * 1e3,
                r["min"] * 1e3))
        if len(res) == 2:
            w("")
            w("onnxc/onnxruntime: %.1f (speed ratio of the medians)."
              % (res[1]["median"] / res[0]["median"]))
        w("")

    print("\n".join(out))


if __name__ == "__main__":
    main()
