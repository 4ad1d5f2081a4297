#!/usr/bin/python3
"""Generate the differential test cases for run.js.

    generate.py --seed S --cases N --out DIR [--only I[,I...]] [--known-failures]
    generate.py --seed S --cases N --counts

writes DIR/case_NNNN/ with model.onnx, input_K.npy (bound by position to
the graph inputs without a default), expected_K.npy (the NumPy reference)
and meta.json (what the case is, which reference judges it, how to
rebuild it), and DIR/suite.json.

The first cases walk a coverage matrix systematically: Gemm over
version x dtype x transA x transB x C form, alpha class x beta class,
chosen dims (0, 1, primes, a few hundred); Relu and LeakyRelu over
opset x rank 0-6 x dtype (x alpha class); graph templates; invalid
models; then every other operator (op_cases.py: versions x dtypes x
shapes, broadcast pairs, special values), PyTorch-like graphs
(templates.NEW_TEMPLATES) and invalid models of those operators. If N is
smaller an evenly spread subset is taken; if larger, the extra cases are
fresh random draws of matrix entries. Case I draws everything else (dims,
values, scales, specials) from its own RNG seeded with (S, I), so --only
rebuilds one case exactly.

Runs with Debian's /usr/bin/python3 (onnx, numpy).
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
import cases as C  # noqa: E402
import op_cases  # noqa: E402
import oracle  # noqa: E402
import logic_cases  # noqa: E402
import reduce_cases  # noqa: E402
import math_cases  # noqa: E402
import pool_cases  # noqa: E402
import cnn_cases  # noqa: E402
import image_cases  # noqa: E402
import movement_cases  # noqa: E402
import recurrent_cases  # noqa: E402
import movement_more_cases  # noqa: E402
import detection_cases  # noqa: E402
import tensor_cases  # noqa: E402
from templates import NEW_TEMPLATES, TEMPLATES, build_graph  # noqa: E402

GEMM_DIMS = (
    # zero-sized: M, K, N and all together (K = 0 leaves beta * C)
    (0, 5, 7), (5, 0, 7), (5, 7, 0), (0, 0, 0), (0, 1, 0), (1, 0, 1), (3, 0, 3),
    # ones: vectors and outer products
    (1, 1, 1), (1, 17, 1), (13, 1, 11), (1, 9, 23), (19, 4, 1),
    # primes, nothing divides anything
    (2, 3, 5), (7, 11, 13), (17, 19, 23), (31, 37, 41), (43, 47, 53), (59, 61, 2),
    (3, 97, 5), (101, 7, 103),
    # a few hundred
    (257, 31, 19), (5, 263, 7), (23, 17, 269), (128, 200, 96), (211, 223, 227),
    (300, 300, 300), (384, 1, 384),
)
DEFAULT_CASES = 7000
# Opset groups for the PyTorch-like templates (each from its lowest opset).
NEW_GRAPH_RANGES = ((1, 6), (7, 12), (13, 16), (17, 21))


def gemm_specs():
    specs = []
    for version in C.GEMM_RANGES:
        forms = [(f, 1) for f in C.C_FORMS if f != 'none' or version >= 11]
        if version == 6:
            forms.append(('[M,N]', 0))      # without broadcast C must be [M,N]
        for dtype in C.DTYPES:
            for ta in (0, 1):
                for tb in (0, 1):
                    for form, bc in forms:
                        spec = dict(section='gemm-matrix', kind='gemm', version=version,
                                    dtype=dtype, transA=ta, transB=tb, c_form=form)
                        if version == 6:
                            spec['broadcast'] = bc
                        specs.append(spec)
    for version in C.GEMM_RANGES:
        for dtype in C.DTYPES:
            for i, (ac, bc) in enumerate((a, b) for a in C.SCALE_CLASSES for b in C.SCALE_CLASSES):
                specs.append(dict(section='gemm-alpha-beta', kind='gemm', version=version,
                                  dtype=dtype, alpha_class=ac, beta_class=bc,
                                  c_form=C.C_FORMS[1 + i % 6]))
    versions = list(C.GEMM_RANGES)
    for i, dims in enumerate(GEMM_DIMS):
        for j, dtype in enumerate(C.DTYPES):
            for rep in (0, 1):
                specs.append(dict(section='gemm-dims', kind='gemm', dims=dims, dtype=dtype,
                                  version=versions[(2 * i + 2 * j + rep) % len(versions)]))
    return specs


def unary_specs():
    specs = []
    for opsets in C.RELU_RANGES:
        for rank in range(7):
            for dtype in C.DTYPES:
                for special in (False, True):
                    specs.append(dict(section='relu', kind='unary', op='Relu', opsets=opsets,
                                      rank=rank, dtype=dtype, special=special))
    for opsets in C.LEAKY_RANGES:
        for cls in C.LEAKY_ALPHAS:
            for rank in range(7):
                for dtype in C.DTYPES:
                    specs.append(dict(section='leakyrelu', kind='unary', op='LeakyRelu',
                                      opsets=opsets, alpha_class=cls, rank=rank, dtype=dtype,
                                      special=len(specs) % 2 == 1))
    return specs


def other_specs():
    specs = []
    for template in TEMPLATES:
        for opsets in C.GRAPH_RANGES:
            for dtype in C.DTYPES:
                for special in (False, True):
                    specs.append(dict(section='graph', kind='graph', template=template,
                                      opsets=opsets, dtype=dtype, special=special))
    for variant in C.INVALID:
        for dtype in C.DTYPES:
            specs.append(dict(section='invalid', kind='invalid', variant=variant, dtype=dtype))
    return specs


def pytorch_graph_specs():
    specs = []
    for name, (_, lowest) in NEW_TEMPLATES.items():
        for lo, hi in NEW_GRAPH_RANGES:
            if hi < lowest:
                continue
            for dtype in C.DTYPES:
                specs.append(dict(section='graph-pytorch', kind='graph', template=name,
                                  opsets=(max(lo, lowest), hi), dtype=dtype,
                                  special=len(specs) % 2 == 1))
    return specs


def plan(n, known_failures=True, logic_half=False):
    """The spec for each of the n cases (None: a random draw, made with the
    case's own RNG). The matrix ends with the cases onnxc once got wrong
    (tensor_cases.known_failure_specs: single rounding to float16 and
    bfloat16, three invalid models), fixed since and kept as regressions;
    known_failures=False leaves them out."""
    matrix = (gemm_specs() + unary_specs() + other_specs() + op_cases.specs()
              + tensor_cases.specs() + pytorch_graph_specs() + op_cases.invalid_op_specs()
              + tensor_cases.invalid_specs())
    if known_failures:
        matrix += tensor_cases.known_failure_specs()
    # Last, so that every earlier entry keeps its index (and so its RNG).
    matrix += logic_cases.specs()
    matrix += reduce_cases.specs()      # after the logic operators, for the same reason
    matrix += math_cases.specs()        # and after the reductions
    matrix += pool_cases.specs()        # and after the math operators
    matrix += movement_cases.specs()    # and after the pools
    matrix += movement_more_cases.specs()   # and after those
    matrix += recurrent_cases.specs()   # and after the movement operators
    matrix += cnn_cases.specs()         # and after the recurrent operators
    matrix += image_cases.specs()       # and after the CNN operators
    matrix += detection_cases.specs()   # and after the image operators
    matrix += movement_more_cases.unique_specs()    # and after those
    if logic_half:      # float16/bfloat16 comparisons, Neg, Abs, Sign, Mod: onnxc refuses them
        matrix += logic_cases.half_specs()
    if n <= len(matrix):
        return [matrix[i * len(matrix) // n] for i in range(n)], matrix
    return matrix + [None] * (n - len(matrix)), matrix


BUILDERS = {'gemm': C.build_gemm, 'unary': C.build_unary, 'graph': build_graph,
            'invalid': C.build_invalid, 'op': op_cases.build_op,
            'invalid-op': op_cases.build_invalid_op, 'tensor': tensor_cases.build_tensor_op,
            'invalid-tensor': tensor_cases.build_invalid,
            'logic': logic_cases.build_logic_op, 'reduce': reduce_cases.build_reduce,
            'math': math_cases.build_math_op, 'pool': pool_cases.build_pool,
            'movement': movement_cases.build_movement_op,
            'recurrent': recurrent_cases.build_recurrent, 'cnn': cnn_cases.build_cnn,
            'image': image_cases.build_image, 'movement-more': movement_more_cases.build,
            'detection': detection_cases.build_detection,
            'movement-unique': movement_more_cases.build_unique}
INVALID_KINDS = ('invalid', 'invalid-op', 'invalid-tensor')


def category(spec, built, expected):
    """The summary row: operator version (or kind of graph) and dtype; run.js
    adds the opsets seen and splits off NumPy-judged cases."""
    if spec['kind'] == 'graph':
        return f"graph {spec['dtype']}"
    if spec['kind'] in INVALID_KINDS:
        return f'invalid {built.graph.nodes[0].op_type} (must be refused)'
    op = 'Gemm' if spec['kind'] == 'gemm' else spec['op']
    version = C.op_version(op, built.graph.opset)
    if op == 'Constant':
        return f'Constant-{version} {expected[0].dtype}'
    return f"{op}-{version} {spec['dtype']}"


def write_case(folder, index, spec, built, args):
    model, expected, marks, error = built.graph.finish()
    if (spec['kind'] in INVALID_KINDS) != (expected is None):
        sys.exit(f'generate.py: case {index} ({built.description}): the reference says '
                 f'{error or "valid"}, the section says otherwise (a generator bug)')
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, 'model.onnx'))
    inputs = []
    for k, (name, arr) in enumerate(built.graph.feeds):
        np.save(os.path.join(folder, f'input_{k}.npy'), arr)
        inputs.append({'name': name, 'file': f'input_{k}.npy', 'dtype': str(arr.dtype),
                       'shape': list(arr.shape)})
    outputs = []
    tolerances = built.graph.tolerances(expected) if expected is not None else None
    for k, name in enumerate(built.graph.outputs):
        out = {'name': name, 'relu_upstream': name in built.graph.relu_fed}
        if expected is not None:
            np.save(os.path.join(folder, f'expected_{k}.npy'), expected[k])
            out.update(file=f'expected_{k}.npy', shape=list(expected[k].shape),
                       dtype=str(expected[k].dtype), tolerance=tolerances[k])
            if marks[k].any():
                out['free_zero_sign'] = f'free_zero_sign_{k}.npy'
                np.save(os.path.join(folder, out['free_zero_sign']), marks[k])
        outputs.append(out)
    opset = built.graph.opset
    # An invalid model goes to onnxruntime too: it must refuse it.
    ref, why, ort_runs = oracle.judge(built) if expected is not None else (
        'onnxruntime', None, True)
    meta = {
        'case': os.path.basename(folder), 'index': index, 'seed': args.seed, 'cases': args.cases,
        'section': spec['section'], 'category': category(spec, built, expected),
        'description': built.description, 'dtype': str(built.graph.dtype), 'opset': opset,
        'ops': sorted({n.op_type for n in built.graph.nodes}),
        'expect': 'error' if expected is None else 'ok', 'reference_error': error,
        'reference': ref, 'reference_reason': why, 'onnxruntime_runs': ort_runs,
        'inputs': inputs, 'outputs': outputs, 'details': built.details,
        'regenerate': (f'/usr/bin/python3 tools/oracle/differential/generate.py --seed {args.seed} '
                       f'--cases {args.cases} --out DIR --only {index}'
                       + (' --known-failures' if args.known_failures else '')
                       + (' --logic-half' if args.logic_half else '')),
    }
    with open(os.path.join(folder, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1, default=str)


def case_name(index, n):
    return f'case_{index:0{max(4, len(str(n - 1)))}d}'


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--cases', type=int, default=DEFAULT_CASES)
    p.add_argument('--out', help='where to write the cases (required unless --counts)')
    p.add_argument('--counts', action='store_true',
                   help='print the case count per operator version and element type, and exit')
    p.add_argument('--only', help='comma-separated case indices to (re)build')
    p.add_argument('--known-failures', action='store_true',
                   help='kept for old command lines: the fixed failures are in the default plan')
    p.add_argument('--logic-half', action='store_true',
                   help='add the float16/bfloat16 cases of the comparison, Neg, Abs, Sign and '
                        'Mod operators, which onnxc refuses (logic_cases.refused_half)')
    args = p.parse_args(argv)
    if args.cases < 1:
        p.error('--cases must be at least 1')
    if not args.out and not args.counts:
        p.error('--out is required')
    return args


def count_key(spec):
    """(operator and version, element type) of a spec, for --counts."""
    kind = spec['kind']
    if kind == 'gemm':
        return f"Gemm-{spec['version'] if spec['version'] != 6 else '1/6'}", spec['dtype']
    if kind == 'unary':
        lo, hi = spec['opsets']
        return f"{spec['op']} (opsets {lo}-{hi})", spec['dtype']
    if kind == 'graph':
        return f"graph {spec['template']}", spec['dtype']
    if kind in INVALID_KINDS:
        return 'invalid models', spec['variant']
    dtype = spec['dtype'] + (f"->{spec['to']}" if 'to' in spec else '')
    return f"{spec['op']}-{spec['version']}", dtype


def print_counts(args, specs, matrix):
    """The case count per operator version and element type of the plan
    (Cast and CastLike: per source -> target pair), without building."""
    from collections import Counter, defaultdict
    counts = Counter()
    for index in range(args.cases):
        spec = specs[index] or matrix[np.random.default_rng([args.seed, index]).integers(
            len(matrix))]
        counts[count_key(spec)] += 1
    rows = defaultdict(dict)
    for (op, dtype), n in counts.items():
        rows[op][dtype] = n
    def order(key):     # Gemm-9 before Gemm-11
        return [(0, int(t), '') if t.isdigit() else (1, 0, t) for t in
                key.replace('-', ' ').split()]
    print(f'{args.cases} cases (seed {args.seed}, matrix of {len(matrix)}): operator version, '
          'cases, then the cases per element type')
    for op in sorted(rows, key=order):
        per = rows[op]
        print(f'{op:28s} {sum(per.values()):5d}  '
              + ', '.join(f'{t} {n}' for t, n in sorted(per.items())))


def main(argv):
    args = parse_args(argv)
    specs, matrix = plan(args.cases, args.known_failures, args.logic_half)
    if args.counts:
        print_counts(args, specs, matrix)
        return
    only = [int(i) for i in args.only.split(',')] if args.only else range(args.cases)
    os.makedirs(args.out, exist_ok=True)
    if not args.only:   # stale cases from a bigger run would be run too
        for entry in os.listdir(args.out):
            if entry.startswith('case_'):
                shutil.rmtree(os.path.join(args.out, entry))
    for index in only:
        rng = np.random.default_rng([args.seed, index])
        spec = specs[index] or dict(matrix[rng.integers(len(matrix))])
        if specs[index] is None:
            spec['section'] = 'random:' + spec['section']
        built = BUILDERS[spec['kind']](spec, rng)
        write_case(os.path.join(args.out, case_name(index, args.cases)), index, spec, built, args)
    with open(os.path.join(args.out, 'suite.json'), 'w') as f:
        json.dump({'seed': args.seed, 'cases': args.cases, 'matrix_size': len(matrix)}, f)
    print(f'generate.py: {len(only)} cases (seed {args.seed}, matrix of {len(matrix)}) '
          f'in {args.out}')


if __name__ == '__main__':
    main(sys.argv[1:])
