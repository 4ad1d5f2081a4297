#!/usr/bin/python3
"""Conformance sweep of onnxc-run over the official ONNX backend test data.

Runs the runner on every model folder (model.onnx + test_data_set_N/) found
under the data folder (Debian's libonnx-testdata by default) and classifies
each model as pass / refused / fail / crash / hang / skipped.  See --help.

Standard library only: CI runs this with Debian's /usr/bin/python3.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import signal
import subprocess
import sys

DEFAULT_DATA = "/usr/share/libonnx-testdata/data"

# One entry of the runner's refusal line, e.g.
#   "unsupported operator GridSample (ai.onnx opset 16) at node '/0/GridSample'"
UNSUPPORTED_RE = re.compile(r"unsupported operator (\S+) \((\S+) opset")

Result = collections.namedtuple("Result", "model status reason details ops")
# status: pass | refused | declined | fail | crash | hang | skipped
# (declined: a model whose operators are supported but which asks for
# something onnxc refuses on purpose, listed with its reason in the
# --declined file; an unlisted refusal of that kind is a failure.)
# reason: one line; details: extra output lines worth showing (fail only);
# ops: set of (op_type, domain) named in a refusal.


def read_varint(buf, i):
    """A protobuf varint at buf[i]: (value, next index)."""
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def proto_fields(buf):
    """(field number, bytes) of the length-delimited fields of a message;
    other wire types are skipped."""
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = read_varint(buf, i)
            yield field, buf[i:i + n]
            i += n
        else:
            return


def model_ops(path):
    """The op types of a model's main graph (ModelProto.graph = 7,
    GraphProto.node = 1, NodeProto.op_type = 4), without the onnx package."""
    try:
        with open(path, "rb") as f:
            buf = f.read()
        ops = set()
        for field, graph in proto_fields(buf):
            if field != 7:
                continue
            for gfield, node in proto_fields(graph):
                if gfield == 1:
                    for nfield, value in proto_fields(node):
                        if nfield == 4:
                            ops.add(value.decode("utf-8", "replace"))
        return ops
    except (OSError, IndexError):
        return set()


def find_models(data, substr):
    """Sorted model paths relative to data, e.g. 'node/test_relu'."""
    models = []
    for group in sorted(os.listdir(data)):
        gdir = os.path.join(data, group)
        if not os.path.isdir(gdir):
            continue
        for name in sorted(os.listdir(gdir)):
            rel = group + "/" + name
            if os.path.isdir(os.path.join(gdir, name)) and substr in rel:
                models.append(rel)
    return models


def text_lines(raw):
    """Non-empty lines of a captured stream."""
    text = raw.decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()]


def run_model(runner, data, rel, timeout, declined):
    """Run every data set of one model and classify the model."""
    mdir = os.path.join(data, rel)
    model = os.path.join(mdir, "model.onnx")
    if not os.path.isfile(model):
        if os.path.isfile(os.path.join(mdir, "data.json")):
            reason = "no model.onnx (download pointer only)"
        else:
            reason = "no model.onnx"
        return Result(rel, "skipped", reason, [], set())
    sets = [d for d in os.listdir(mdir)
            if d.startswith("test_data_set_") and os.path.isdir(os.path.join(mdir, d))]
    sets.sort(key=lambda d: (len(d), d))  # numeric order: _9 before _10
    if not sets:
        return Result(rel, "skipped", "no test_data_set_N folder", [], set())

    for i, ds in enumerate(sets):
        cmd = runner + ["--quiet", "-d", os.path.join(mdir, ds), model]
        where = "" if len(sets) == 1 else ds + ": "
        try:
            # subprocess.run kills the runner when the timeout expires.
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Result(rel, "hang", "%stimed out after %gs" % (where, timeout), [], set())
        except OSError as e:
            return Result(rel, "fail", "cannot run runner: %s" % e, [], set())

        rc = proc.returncode
        err = text_lines(proc.stderr)
        if rc == 0:
            continue
        if rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = "signal %d" % -rc
            return Result(rel, "crash", where + "killed by " + name, err[-5:], set())
        if rc == 2 and any("unsupported operator" in line for line in err):
            if i > 0:
                # Data set 0 ran, so the operators are supported after all.
                return Result(rel, "fail", where + "refused after an earlier data set ran: " + err[0], err[1:6], set())
            if len(err) != 1:
                # The promise is a single clear line; anything more is a bug.
                return Result(rel, "fail", "refusal printed %d stderr lines" % len(err), err[:5], set())
            ops = set(UNSUPPORTED_RE.findall(err[0])) or {("(unparsed message)", "?")}
            return Result(rel, "refused", err[0], [], ops)
        if rc == 2 and rel in declined and i == 0 and len(err) == 1:
            return Result(rel, "declined", err[0], [], set())
        if rc == 1 and rel in declined:
            # Listed as expecting what the spec has since changed (FLOAT to
            # BFLOAT16 by truncation; onnxc rounds to nearest even).
            return Result(rel, "declined", where + "outputs differ, as listed", [], set())
        if rc == 2:
            reason = err[0] if err else "exit 2 with no message"
            return Result(rel, "fail", where + reason, err[1:6], set())
        # Exit 1 (mismatch) or anything unexpected: show the tail of the output.
        tail = text_lines(proc.stdout) + err
        return Result(rel, "fail", "%sexit %d" % (where, rc), tail[-5:], set())
    return Result(rel, "pass", "", [], set())


def read_required(path):
    """Model paths, one a line; blank lines and # comments ignored."""
    with open(path, encoding="utf-8") as f:
        lines = [line.split("#", 1)[0].strip() for line in f]
    return [line for line in lines if line]


def op_name(op):
    return "%s (%s)" % op


def op_table(counts, limit=None):
    """Markdown-ish table rows of (op, domain) -> models refused, most used first."""
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = rows if limit is None else rows[:limit]
    out = ["| operator | models refused |", "|---|---:|"]
    out += ["| %s | %d |" % (op_name(op), n) for op, n in shown]
    if len(rows) > len(shown):
        rest = rows[len(shown):]
        # Summing the rest would count a model once per operator, so give the range.
        out.append("| (%d more operators) | %d or fewer each |" % (len(rest), rest[0][1]))
    return out


def write_report(path, summary, required_line, results, counts, failures, op_rows):
    passing = [r.model for r in results if r.status == "pass"]
    out = ["# onnxc conformance report", "", summary, ""]
    if required_line:
        out += [required_line, ""]
    out += ["## Supported operators", "", "Official models using each operator.", ""]
    out += op_rows + [""]
    declined = [r for r in results if r.status == "declined"]
    if declined:
        out += ["## Declined (%d)" % len(declined), "", "| model | refusal |", "|---|---|"]
        out += ["| %s | %s |" % (r.model, r.reason.replace("|", "\\|")) for r in declined]
        out += [""]
    out += ["## Passing models (%d)" % len(passing), "", "| model |", "|---|"]
    out += ["| %s |" % m for m in passing]
    if failures:
        out += ["", "## Failures (%d)" % len(failures), "", "| model | result |", "|---|---|"]
        out += ["| %s | %s |" % (m, why.replace("|", "\\|")) for m, why in failures]
    out += ["", "## Unsupported operators (%d)" % len(counts), ""]
    out += ["Number of refused models that use each operator.", ""]
    out += op_table(counts, limit=40)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runner", required=True, help="path to onnxc-run")
    ap.add_argument("--runner-arg", action="append", default=[], metavar="ARG",
                    help="pass ARG to the runner before its own arguments "
                         "(repeat: --runner-arg=--kernels --runner-arg=reference)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="test data folder (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per data set (default %(default)s)")
    ap.add_argument("--jobs", type=int, default=2, help="models run in parallel (default %(default)s)")
    ap.add_argument("--report", help="also write a markdown report to this file")
    ap.add_argument("--require", help="file of models (relative to --data) that must pass")
    ap.add_argument("--filter", default="", help="only models whose path contains this")
    ap.add_argument("--declined", help="file of models onnxc refuses on purpose (one a line, "
                    "then # and why): their one-line refusal is not a failure")
    args = ap.parse_args()

    runner = os.path.abspath(args.runner)
    if not (os.path.isfile(runner) and os.access(runner, os.X_OK)):
        sys.exit("conformance: runner %s is not an executable file" % args.runner)
    if not os.path.isdir(args.data):
        sys.exit("conformance: data folder %s not found" % args.data)
    data = os.path.abspath(args.data)
    required = read_required(args.require) if args.require else []
    # With --filter, only the required models inside the selection are checked.
    required = [m for m in required if args.filter in m]
    models = find_models(data, args.filter)
    declined = set(read_required(args.declined)) if args.declined else set()

    results = []
    failures = []  # (model, reason) for everything counted as failed
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        # map() yields in submission order, so the log is sorted and streams.
        for r in pool.map(lambda m: run_model([runner] + args.runner_arg, data, m, args.timeout, declined), models):
            results.append(r)
            if r.status == "refused":
                continue
            label = {"pass": "PASS", "skipped": "SKIP", "declined": "DECLINED"}.get(
                r.status, r.status.upper())
            print("%s %s%s" % (label, r.model, ": " + r.reason if r.reason else ""))
            for line in r.details:
                print("    " + line)
            if r.status in ("fail", "crash", "hang"):
                failures.append((r.model, "%s: %s" % (r.status, r.reason)))
            sys.stdout.flush()

    by_model = {r.model: r for r in results}
    required_failed = 0
    for m in required:
        r = by_model.get(m)
        if r is None:
            why = "required model not found in %s" % data
        elif r.status in ("pass", "fail", "crash", "hang"):
            continue  # passing, or already counted as failed above
        else:
            why = "required model was %s: %s" % (r.status, r.reason)
        print("FAIL %s: %s" % (m, why))
        failures.append((m, why))
        required_failed += 1

    counts = collections.Counter(op for r in results for op in r.ops)
    if counts:
        print()
        print("Unsupported operators (number of refused models using each):")
        for row in op_table(counts):
            print(row)

    # Per operator: the models using it that passed, and those declined.
    per_op = collections.defaultdict(lambda: [0, 0])
    for r in results:
        if r.status in ("pass", "declined"):
            for op in model_ops(os.path.join(data, r.model, "model.onnx")):
                per_op[op][0 if r.status == "pass" else 1] += 1
    op_rows = ["| operator | models passed | declined |", "|---|---:|---:|"]
    op_rows += ["| %s | %d | %d |" % (op, c[0], c[1]) for op, c in sorted(per_op.items())]
    if per_op:
        print()
        print("Supported operators (official models using each):")
        for row in op_rows:
            print(row)

    n = collections.Counter(r.status for r in results)
    summary = ("conformance: %d models, %d passed, %d refused (unsupported operators), "
               "%d declined (listed features onnxc refuses), %d skipped, %d failed, "
               "%d crashed, %d hung"
               % (len(results), n["pass"], n["refused"], n["declined"], n["skipped"],
                  n["fail"], n["crash"], n["hang"]))
    required_line = None
    if required:
        ok = sum(1 for m in required if m in by_model and by_model[m].status == "pass")
        required_line = "required: %d of %d passed (%s)" % (ok, len(required), args.require)
    failed = n["fail"] + n["crash"] + n["hang"] + required_failed
    if args.report:
        write_report(args.report, summary, required_line, results, counts, failures,
                     op_rows)
    print()
    if required_line:
        print(required_line)
    print(summary)
    print("%d passed, %d failed" % (n["pass"], failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
