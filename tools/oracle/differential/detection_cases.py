"""Single-node cases of the detection and grid-sampling operators:
NonMaxSuppression (10, 11), float32 only (what the spec allows), and
GridSample (16, 20; 2-D), float32 and float64.

Per version, every form once: corner boxes with flipped corners, center
boxes, scores full of ties (the lower box index first: ORT and the
reference agree), only the two required inputs (no box is kept), the
limit alone, a score threshold, the IoU threshold left out ('') before a
score threshold, boxes of zero area, 0-D scalars, and several batches
and classes. The scalars are initializers or, sometimes, graph inputs.

GridSample: every mode x padding_mode x align_corners per version (each
version with its own mode names: bilinear/bicubic at 16, linear/cubic at
20), the element type alternating; grid points on a 1/8 lattice reaching
past the image (taps on pixel centres, halfway, and outside) and random
ones; images of 1 pixel along a dim now and then (reflection degenerates).

RoiAlign (10, 16): mode avg and max x sampling_ratio 0 (adaptive) and 2,
and at 16 both coordinate transforms; regions inside, across and beyond
the image edges, some thinner than a pixel, spatial_scale 1 or 0.5, the
images named by batch_indices; float32 and float64 alternating.

specs() enumerates the matrix; build_detection() draws shapes and values."""
import numpy as np

from graph import Built
from reference import VERSIONS, op_version
from tensor_cases import new_graph

NMS_FORMS = ('corner', 'center', 'ties', 'required-only', 'limit-only', 'score-threshold',
             'skip-iou', 'zero-area', 'scalars', 'batches')


GS_MODES = {16: ('bilinear', 'nearest', 'bicubic'), 20: ('linear', 'nearest', 'cubic')}
GS_PADDINGS = ('zeros', 'border', 'reflection')


def specs():
    out = [dict(section='detection', kind='detection', op='NonMaxSuppression',
                version=v, dtype='float32', form=form)
           for v in VERSIONS['NonMaxSuppression'] for form in NMS_FORMS]
    for v in VERSIONS['GridSample']:
        i = 0
        for mode in GS_MODES[v]:
            for padding in GS_PADDINGS:
                for align in (0, 1):
                    out.append(dict(section='grid-sample', kind='detection', op='GridSample',
                                    version=v, dtype=('float32', 'float64')[(i + v // 4) % 2],
                                    mode=mode, padding=padding, align=align))
                    i += 1
    i = 0
    for v in VERSIONS['RoiAlign']:
        for coord in (('half_pixel', 'output_half_pixel') if v >= 16 else (None,)):
            for mode in ('avg', 'max'):
                for ratio in (0, 2):
                    out.append(dict(section='roi-align', kind='detection', op='RoiAlign',
                                    version=v, dtype=('float32', 'float64')[i % 2],
                                    mode=mode, ratio=ratio, coord=coord))
                    i += 1
    return out


def build_roi_align(spec, rng):
    dtype = np.dtype(spec['dtype'])
    g = new_graph(rng, spec)
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 4))
    h, w = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    r = int(rng.integers(1, 5))
    scale = float(rng.choice([1.0, 0.5]))
    x = (rng.random((n, c, h, w)) * 4 - 2).astype(dtype)
    corner = rng.integers(-4, 2 * max(h, w) + 4, size=(r, 2)) / 2 / scale
    size = rng.integers(0, 2 * max(h, w), size=(r, 2)) / 2 / scale + rng.random((r, 2)) * 0.4
    rois = np.concatenate([corner, corner + size], axis=1).astype(dtype)
    batch = rng.integers(0, n, size=r).astype(np.int64)
    attrs = {'mode': spec['mode'], 'sampling_ratio': spec['ratio'],
             'output_height': int(rng.integers(1, 4)), 'output_width': int(rng.integers(1, 4)),
             'spatial_scale': scale}
    if spec['coord']:
        attrs['coordinate_transformation_mode'] = spec['coord']
    y = g.node('RoiAlign', [g.input('X', x, dtype=dtype), g.input('rois', rois, dtype=dtype),
                            g.input('batch_indices', batch, dtype=np.int64)], **attrs)
    g.output(y)
    g.atol_floor[y] = float(64 * np.finfo(dtype).eps * np.abs(x).max(initial=0))
    desc = (f"RoiAlign-{op_version('RoiAlign', g.opset)} {spec['dtype']} X{list(x.shape)} "
            f"rois{list(rois.shape)} {attrs}")
    return Built(g, desc, {'shape': list(x.shape), 'attrs': attrs})


def build_grid_sample(spec, rng):
    dtype = np.dtype(spec['dtype'])
    g = new_graph(rng, spec)
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 4))
    h, w = (int(rng.integers(1, 6)) if rng.random() < 0.8 else 1 for _ in range(2))
    ho, wo = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    x = (rng.random((n, c, h, w)) * 4 - 2).astype(dtype)
    lattice = rng.integers(0, 41, size=(n, ho, wo, 2)) / 8 - 2.5
    loose = rng.random((n, ho, wo, 2)) * 2.6 - 1.3
    grid = np.where(rng.random((n, ho, wo, 2)) < 0.5, lattice, loose).astype(dtype)
    attrs = {'mode': spec['mode'], 'padding_mode': spec['padding'],
             'align_corners': spec['align']}
    y = g.node('GridSample', [g.input('X', x, dtype=dtype), g.input('grid', grid, dtype=dtype)],
               **attrs)
    g.output(y)
    # up to 16 taps of weights below 1.5 each, summed in the input's type
    g.atol_floor[y] = float(64 * np.finfo(dtype).eps * np.abs(x).max(initial=0))
    desc = (f"GridSample-{op_version('GridSample', g.opset)} {spec['dtype']} X{list(x.shape)} "
            f"grid{list(grid.shape)} {attrs}")
    return Built(g, desc, {'shape': list(x.shape), 'attrs': attrs})


def nms_values(rng, form, b, c, n):
    """boxes [b, n, 4] and scores [b, c, n]: boxes on a coarse grid so that
    they overlap often, some exactly."""
    if form == 'center':
        xy = rng.integers(0, 8, size=(b, n, 2))
        wh = rng.integers(1, 6, size=(b, n, 2))
        boxes = np.concatenate([xy, wh], axis=2).astype(np.float32)
    else:
        boxes = rng.integers(0, 9, size=(b, n, 4)).astype(np.float32) / 2
    if form == 'zero-area':
        boxes[:, ::3, 2] = boxes[:, ::3, 0]
    if form == 'ties':
        scores = rng.integers(0, 3, size=(b, c, n)).astype(np.float32) / 2
    else:
        scores = rng.permutation(b * c * n).reshape(b, c, n).astype(np.float32) / (b * c * n)
    return boxes, scores


def scalar(g, rng, name, value, dtype, form):
    """One of the optional inputs: [1], or 0-D in the 'scalars' form."""
    arr = np.array(value if form == 'scalars' else [value], dtype)
    if rng.random() < 0.2:
        return g.input(name, arr, dtype=dtype)
    return g.init(name, arr, dtype=dtype)


def build_detection(spec, rng):
    if spec['op'] == 'GridSample':
        return build_grid_sample(spec, rng)
    if spec['op'] == 'RoiAlign':
        return build_roi_align(spec, rng)
    form = spec['form']
    g = new_graph(rng, spec)
    b, c = (3, 4) if form == 'batches' else (1, int(rng.integers(1, 3)))
    n = int(rng.integers(1, 12))
    boxes, scores = nms_values(rng, form, b, c, n)
    inputs = [g.input('boxes', boxes, dtype=np.float32),
              g.input('scores', scores, dtype=np.float32)]
    limit = int(rng.integers(1, n + 2))
    iou = float(rng.choice([0.0, 0.3, 0.5, 0.7, 1.0]))
    if form != 'required-only':
        inputs.append(scalar(g, rng, 'max', limit, np.int64, form))
    if form not in ('required-only', 'limit-only'):
        inputs.append('' if form == 'skip-iou' else scalar(g, rng, 'iou', iou, np.float32, form))
    if form in ('score-threshold', 'skip-iou', 'batches'):
        inputs.append(scalar(g, rng, 'st', float(np.median(scores)), np.float32, form))
    attrs = {'center_point_box': 1} if form == 'center' else {}
    if form not in ('center', 'corner') and rng.random() < 0.5:
        attrs = {'center_point_box': 0}
    g.output(g.node('NonMaxSuppression', inputs, **attrs))
    desc = (f"NonMaxSuppression-{op_version('NonMaxSuppression', g.opset)} float32 "
            f"boxes{list(boxes.shape)} limit={limit} iou={iou} {attrs} ({form})")
    return Built(g, desc, {'shape': list(boxes.shape), 'attrs': attrs, 'form': form})
