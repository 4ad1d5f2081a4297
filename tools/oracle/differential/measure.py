#!/usr/bin/python3
"""Measure onnxruntime's error per operator, to set reference.APPROX.

    generate.py --seed S --cases N --out DIR
    node run.js DIR --oracle-only --save-outputs
    measure.py DIR [DIR...]

For every single-node case onnxruntime judges, compares its outputs
(onnxruntime_output_K.npy) with the NumPy reference over the finite
elements and prints, per operator version and dtype: the largest error in
ULPs of the reference and relative to it (normal results), and for rtol =
k * eps (k = 1, 2, 4, ... 64) the smallest atol with which every element
passes |got - want| <= atol + rtol * |want|. The tolerance chosen is the
tightest such pair, rounded up (see README).

Runs with Debian's /usr/bin/python3 (numpy).
"""
import json
import os
import sys
from collections import defaultdict

import numpy as np

KS = (1, 2, 4, 8, 16, 32, 64)


def ulps(got, want):
    """|got - want| in ULPs of want (the spacing at |want|)."""
    with np.errstate(all='ignore'):
        spacing = np.spacing(np.abs(want).astype(want.dtype))
    return np.abs(got.astype(np.float64) - want.astype(np.float64)) / spacing.astype(np.float64)


def cases(folders):
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if name.startswith('case_'):
                yield os.path.join(folder, name)


def main(folders):
    stats = defaultdict(lambda: {'ulp': 0.0, 'rel': 0.0, 'n': 0, 'err': [], 'mag': [],
                                 'tol': None, 'opsets': set()})
    for case in cases(folders):
        meta_path = os.path.join(case, 'meta.json')
        if not os.path.exists(meta_path):
            continue
        meta = json.load(open(meta_path))
        if meta['expect'] != 'ok' or meta['reference'] != 'onnxruntime' or len(meta['ops']) != 1:
            continue
        for k, out in enumerate(meta['outputs']):
            got_path = os.path.join(case, f'onnxruntime_output_{k}.npy')
            if out.get('dtype') not in ('float32', 'float64') or not os.path.exists(got_path):
                continue
            want = np.load(os.path.join(case, out['file']))
            got = np.load(got_path)
            fin = np.isfinite(want) & np.isfinite(got)
            if not fin.any():
                continue
            s = stats[meta['category']]
            w, g = want[fin], got[fin]
            err = np.abs(g.astype(np.float64) - w.astype(np.float64))
            s['n'] += int(fin.sum())
            s['ulp'] = max(s['ulp'], float(ulps(g, w).max()))
            normal = np.abs(w) >= np.finfo(w.dtype).tiny
            if normal.any():
                s['rel'] = max(s['rel'], float((err[normal] / np.abs(w[normal])).max()))
            s['err'].append(err)
            s['mag'].append(np.abs(w.astype(np.float64)))
            s['tol'] = out.get('tolerance')
            s['opsets'].add(meta['opset'])
    print(f"{'category':28s} {'elements':>8s} {'max ULP':>9s} {'max rel':>9s}  "
          + '  '.join(f'atol@{k}eps' for k in KS) + '   tolerance now')
    for cat in sorted(stats, key=lambda c: (c.split('-')[0], c)):
        s = stats[cat]
        if s['ulp'] == 0:
            continue        # exact everywhere: not shown
        err, mag = np.concatenate(s['err']), np.concatenate(s['mag'])
        eps = 2.0 ** -23 if cat.endswith('float32') else 2.0 ** -52
        need = [max(0.0, float((err - k * eps * mag).max())) for k in KS]
        tol = s['tol'] and f"rtol {s['tol']['rtol']:.3g} atol {s['tol']['atol']:.3g}"
        lo, hi = min(s['opsets']), max(s['opsets'])
        print(f"{cat:28s} {s['n']:8d} {s['ulp']:9.3g} {s['rel']:9.3g}  "
              + '  '.join(f'{a:10.2g}' for a in need) + f'   {tol or "default"}'
              + f'  (opsets {lo}-{hi})')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
