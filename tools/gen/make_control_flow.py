#!/usr/bin/python3
"""Write If, Loop and Scan models across their versions, with inputs, for
tools/check/check_control_flow.sh to run through onnxc and onnxruntime:

    OUTDIR/<name>/model.onnx
    OUTDIR/<name>/set_<k>/input_<j>.pb     (named like the graph inputs)

The forms: branches reading outer weights and outer inputs, branches of
different shapes; Loops ended by the trip count, by a condition computed
from the carried values, by both; a carried value that grows each
iteration; a Loop in a Loop's body reading values two graphs out; an If
in a Loop's body; Scan 9+ over two inputs with their own axes and
directions (negative axes from 11) and two outputs stacked at their own;
Scan 8 over a batch of 3 with a reversed input and sequence_lens; the
sequence operators (split by a size and by lengths, with and without
keepdims, insert, erase, at, length, construct, concat with and without a
new axis), SequenceMap over a sequence and a tensor, and optionals
(holding a tensor, empty, read back).

Usage: /usr/bin/python3 tools/gen/make_control_flow.py OUTDIR
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

node = helper.make_node


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.array(value, dtype), name)


def save(outdir, name, opset, nodes, inputs, outputs, inits, sets):
    folder = os.path.join(outdir, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="make_control_flow")
    m.ir_version = 7 if opset <= 14 else 8
    # The checker wants every graph output's shape; ours leave out those
    # whose rank the run decides, which the spec allows.
    if all(o.type.tensor_type.HasField("shape") for o in outputs):
        onnx.checker.check_model(m)
    onnx.save(m, os.path.join(folder, "model.onnx"))
    for k, values in enumerate(sets):
        data = os.path.join(folder, "set_%d" % k)
        os.makedirs(data)
        for j, (inp, v) in enumerate(zip(inputs, values)):
            t = numpy_helper.from_array(np.asarray(v), inp.name)
            with open(os.path.join(data, "input_%d.pb" % j), "wb") as f:
                f.write(t.SerializeToString())


def rand(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def if_models(outdir, rng):
    # Branches reading an outer weight, an outer input and an outer
    # node's output; If-1 (opset 10), 11, 13, 16, 19, 21.
    for opset in (10, 11, 13, 16, 19, 21):
        then = helper.make_graph(
            [node("Add", ["x", "w"], ["t0"]), node("Mul", ["t0", "h"], ["t"])],
            "then", [], [vi("t", T.FLOAT, [3, 4])])
        other = helper.make_graph([node("Sub", ["h", "w"], ["e"])], "else", [],
                                  [vi("e", T.FLOAT, [3, 4])])
        save(outdir, "if_outer_opset%d" % opset, opset,
             [node("Relu", ["x"], ["h"]),
              node("If", ["cond"], ["y"], then_branch=then, else_branch=other)],
             [vi("cond", T.BOOL, []), vi("x", T.FLOAT, [3, 4])],
             [vi("y", T.FLOAT, [3, 4])], [const("w", rand(rng, 4))],
             [[np.array(True), rand(rng, 3, 4)], [np.array(False), rand(rng, 3, 4)]])
    # Branches of different shapes, and a rank-1 cond.
    then = helper.make_graph([node("Transpose", ["x"], ["t"])], "then", [],
                             [vi("t", T.FLOAT, [5, 2])])
    other = helper.make_graph([node("ReduceSum", ["x"], ["e"], keepdims=0)], "else", [],
                              [vi("e", T.FLOAT, [])])
    save(outdir, "if_shapes_differ", 13,
         [node("If", ["cond"], ["y"], then_branch=then, else_branch=other)],
         [vi("cond", T.BOOL, [1]), vi("x", T.FLOAT, [2, 5])], [vi("y", T.FLOAT, None)], [],
         [[np.array([True]), rand(rng, 2, 5)], [np.array([False]), rand(rng, 2, 5)]])


def loop_body(nodes, carried, scans, inits=(), p=""):
    """A body (i, cond, carried...) -> (cond, carried..., scans...); names
    of an inner body take a prefix p (names are unique across graphs)."""
    return helper.make_graph(
        nodes, "body",
        [vi(p + "i", T.INT64, []), vi(p + "c", T.BOOL, [])]
        + [vi(n, T.FLOAT, None) for n in carried],
        [vi(p + "co", T.BOOL, [])] + [vi(n + "_out", T.FLOAT, None) for n in carried]
        + [vi(n, T.FLOAT, None) for n in scans], initializer=list(inits))


def loop_models(outdir, rng):
    # v = v * 0.9 + b, scan of v, until M or sum(v) < limit: Loop-1 (opset
    # 10), 11, 13, 16, 19, 21.
    for opset in (10, 11, 13, 16, 19, 21):
        body = loop_body(
            [node("Mul", ["v", "decay"], ["v0"]), node("Add", ["v0", "b"], ["v_out"]),
             node("ReduceSum", ["v_out"], ["s"], keepdims=0),
             node("Less", ["limit", "s"], ["co"]), node("Identity", ["v_out"], ["rows"])],
            ["v"], ["rows"], [const("decay", 0.9)])
        save(outdir, "loop_decay_opset%d" % opset, opset,
             [node("Loop", ["M", "cond", "v"], ["vf", "rows"], body=body)],
             [vi("M", T.INT64, []), vi("cond", T.BOOL, []), vi("v", T.FLOAT, [2, 3]),
              vi("limit", T.FLOAT, [])],
             [vi("vf", T.FLOAT, [2, 3]), vi("rows", T.FLOAT, None)],
             [const("b", rand(rng, 3) * 0.1)],
             [[np.array(7, np.int64), np.array(True), rand(rng, 2, 3) + 3, np.array(-100.0, np.float32)],
              [np.array(50, np.int64), np.array(True), rand(rng, 2, 3) + 3, np.array(4.0, np.float32)],
              [np.array(5, np.int64), np.array(False), rand(rng, 2, 3), np.array(0.0, np.float32)],
              [np.array(0, np.int64), np.array(True), rand(rng, 2, 3), np.array(0.0, np.float32)]])
    # No trip count: the condition alone; a carried value that grows by one
    # element per iteration (Concat), and a scalar scan output.
    body = loop_body(
        [node("Cast", ["i"], ["fi"], to=T.FLOAT), node("Unsqueeze", ["fi", "ax"], ["fi1"]),
         node("Concat", ["v", "fi1"], ["v_out"], axis=0),
         node("Less", ["i", "stop"], ["co"]), node("Mul", ["fi", "two"], ["rows"])],
        ["v"], ["rows"], [const("ax", [0], np.int64), const("two", 2.0)])
    save(outdir, "loop_growing_carried", 13,
         [node("Loop", ["", "cond", "v"], ["vf", "rows"], body=body)],
         [vi("cond", T.BOOL, []), vi("v", T.FLOAT, [2]), vi("stop", T.INT64, [])],
         [vi("vf", T.FLOAT, None), vi("rows", T.FLOAT, None)], [],
         [[np.array(True), rand(rng, 2), np.array(4, np.int64)],
          [np.array(True), rand(rng, 2), np.array(0, np.int64)]])
    # A Loop in a Loop's body: the inner body reads x (two graphs out) and
    # the outer body's iteration; an If in the outer body chooses by parity.
    inner = loop_body(
        [node("Identity", ["in_c"], ["in_co"]), node("Cast", ["oi"], ["foi"], to=T.FLOAT),
         node("Mul", ["x", "foi"], ["xs"]), node("Add", ["u", "xs"], ["u_out"])],
        ["u"], [], p="in_")
    parity = helper.make_graph([node("Neg", ["w_out"], ["p"])], "neg", [],
                               [vi("p", T.FLOAT, None)])
    same = helper.make_graph([node("Identity", ["w_out"], ["q"])], "same", [],
                             [vi("q", T.FLOAT, None)])
    outer = loop_body(
        [node("Identity", ["c"], ["co"]), node("Identity", ["i"], ["oi"]),
         node("Loop", ["three", "", "w"], ["w_out"], body=inner),
         node("Mod", ["i", "two"], ["r"]), node("Equal", ["r", "one"], ["odd"]),
         node("If", ["odd"], ["rows"], then_branch=parity, else_branch=same),
         node("Identity", ["w_out"], ["w_out2"])],
        ["w"], ["rows"], [const("three", 3, np.int64), const("two", 2, np.int64),
                          const("one", 1, np.int64)])
    outer.output[1].name = "w_out2"
    save(outdir, "loop_nested_with_if", 16,
         [node("Loop", ["M", "", "w"], ["wf", "rows"], body=outer)],
         [vi("M", T.INT64, []), vi("w", T.FLOAT, [4]), vi("x", T.FLOAT, [4])],
         [vi("wf", T.FLOAT, [4]), vi("rows", T.FLOAT, None)], [],
         [[np.array(4, np.int64), rand(rng, 4), rand(rng, 4)]])


def scan_models(outdir, rng):
    # Two scan inputs (axes 1 and 0, the first reversed), a running sum
    # state, two outputs stacked at axes 0 and 1 (the second reversed).
    for opset in (9, 11, 16, 19, 21):
        axes_in = [1, 0] if opset < 11 else [-1, 0]
        body = helper.make_graph(
            [node("Add", ["acc", "a"], ["acc0"]), node("Mul", ["acc0", "bs"], ["acc_out"]),
             node("Identity", ["acc_out"], ["ya"]), node("Sub", ["a", "bs"], ["yb"])],
            "body", [vi("acc", T.FLOAT, [2]), vi("a", T.FLOAT, [2]), vi("bs", T.FLOAT, [2])],
            [vi("acc_out", T.FLOAT, [2]), vi("ya", T.FLOAT, [2]), vi("yb", T.FLOAT, [2])])
        save(outdir, "scan_axes_opset%d" % opset, opset,
             [node("Scan", ["init", "xa", "xb"], ["final", "ya", "yb"], body=body,
                   num_scan_inputs=2, scan_input_axes=axes_in,
                   scan_input_directions=[1, 0], scan_output_axes=[0, 1],
                   scan_output_directions=[0, 1])],
             [vi("init", T.FLOAT, [2]), vi("xa", T.FLOAT, [2, 5]), vi("xb", T.FLOAT, [5, 2])],
             [vi("final", T.FLOAT, [2]), vi("ya", T.FLOAT, None), vi("yb", T.FLOAT, None)],
             [], [[rand(rng, 2), rand(rng, 2, 5), rand(rng, 5, 2)]])
    # Scan 8: a batch of 3, sequence 4, the input reversed, sequence_lens
    # given as the whole sequence.
    body = helper.make_graph(
        [node("Add", ["s", "x"], ["s_out"]), node("Mul", ["s_out", "x"], ["y"])],
        "body", [vi("s", T.FLOAT, [2]), vi("x", T.FLOAT, [2])],
        [vi("s_out", T.FLOAT, [2]), vi("y", T.FLOAT, [2])])
    save(outdir, "scan8_batch", 8,
         [node("Scan", ["lens", "s0", "x"], ["sf", "ys"], body=body, num_scan_inputs=1,
               directions=[1])],
         [vi("lens", T.INT64, [3]), vi("s0", T.FLOAT, [3, 2]), vi("x", T.FLOAT, [3, 4, 2])],
         [vi("sf", T.FLOAT, [3, 2]), vi("ys", T.FLOAT, [3, 4, 2])], [],
         [[np.array([4, 4, 4], np.int64), rand(rng, 3, 2), rand(rng, 3, 4, 2)]])


def sequence_models(outdir, rng):
    # Split x [4, 6] along axis 1 in pieces of 4 (the last of 2), insert a
    # tensor at the front, erase the second, read the last back (a
    # negative position), count them, and join along axis 1: opsets 11,
    # 13, 17, 21.
    for opset in (11, 13, 17, 21):
        save(outdir, "sequence_ops_opset%d" % opset, opset,
             [node("SplitToSequence", ["x", "four"], ["s1"], axis=1),
              node("SequenceInsert", ["s1", "t", "zero"], ["s2"]),
              node("SequenceErase", ["s2", "one"], ["s3"]),
              node("SequenceAt", ["s3", "minus1"], ["last"]),
              node("SequenceLength", ["s3"], ["n"]),
              node("ConcatFromSequence", ["s3"], ["joined"], axis=1)],
             [vi("x", T.FLOAT, [4, 6]), vi("t", T.FLOAT, [4, 3])],
             [vi("joined", T.FLOAT, [4, 5]), vi("last", T.FLOAT, [4, 2]),
              vi("n", T.INT64, [])],
             [const("four", 4, np.int64), const("zero", 0, np.int64),
              const("one", 1, np.int32), const("minus1", -1, np.int64)],
             [[rand(rng, 4, 6), rand(rng, 4, 3)]])
    # Split by lengths [1, 3, 2], stacked again on a new axis after the
    # ones of a construct; no split and keepdims 0, stacked at axis -1.
    save(outdir, "sequence_split_lengths", 13,
         [node("SplitToSequence", ["x", "lens"], ["s"], axis=1),
          node("SequenceAt", ["s", "one"], ["mid"]),
          node("SequenceConstruct", ["x", "x"], ["pair"]),
          node("ConcatFromSequence", ["pair"], ["stacked"], axis=0, new_axis=1),
          node("SplitToSequence", ["x"], ["rows"], axis=0, keepdims=0),
          node("ConcatFromSequence", ["rows"], ["cols"], axis=-1, new_axis=1)],
         [vi("x", T.FLOAT, [3, 6])],
         [vi("mid", T.FLOAT, [3, 3]), vi("stacked", T.FLOAT, [2, 3, 6]),
          vi("cols", T.FLOAT, [6, 3])],
         [const("lens", [1, 3, 2], np.int64), const("one", 1, np.int64)],
         [[rand(rng, 3, 6)]])
    # SequenceMap over the pieces of x and a whole tensor: each piece plus
    # w, and its column sums (a second output of another shape).
    body = helper.make_graph(
        [node("Add", ["piece", "w_in"], ["sum"]),
         node("ReduceSum", ["piece", "axes0"], ["cols"], keepdims=0)],
        "map_body", [vi("piece", T.FLOAT, None), vi("w_in", T.FLOAT, None)],
        [vi("sum", T.FLOAT, None), vi("cols", T.FLOAT, None)],
        initializer=[const("axes0", [0], np.int64)])
    save(outdir, "sequence_map_opset17", 17,
         [node("SplitToSequence", ["x", "two"], ["pieces"], axis=1),
          node("SequenceMap", ["pieces", "w"], ["sums", "colsums"], body=body),
          node("ConcatFromSequence", ["sums"], ["y"], axis=1),
          node("ConcatFromSequence", ["colsums"], ["c"], axis=0)],
         [vi("x", T.FLOAT, [3, 6]), vi("w", T.FLOAT, [3, 2])],
         [vi("y", T.FLOAT, [3, 6]), vi("c", T.FLOAT, [6])],
         [const("two", 2, np.int64)], [[rand(rng, 3, 6), rand(rng, 3, 2)]])
    # Optionals: one holding x, one empty of a declared type; what each
    # holds, and x back out.
    for opset in (15, 18):
        empty = node("Optional", [], ["none"],
                     type=helper.make_tensor_type_proto(T.FLOAT, [2]))
        save(outdir, "optional_ops_opset%d" % opset, opset,
             [node("Optional", ["x"], ["ox"]), empty,
              node("OptionalHasElement", ["ox"], ["has_x"]),
              node("OptionalHasElement", ["none"], ["has_none"]),
              node("OptionalGetElement", ["ox"], ["x_back"])],
             [vi("x", T.FLOAT, [2, 3])],
             [vi("has_x", T.BOOL, []), vi("has_none", T.BOOL, []),
              vi("x_back", T.FLOAT, [2, 3])], [], [[rand(rng, 2, 3)]])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    rng = np.random.default_rng(7)
    os.makedirs(sys.argv[1], exist_ok=True)
    for make in (if_models, loop_models, scan_models, sequence_models):
        make(sys.argv[1], rng)


if __name__ == "__main__":
    main()
