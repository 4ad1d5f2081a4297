"""Single-node cases of the image operators: Resize (10, 11, 13, 18, 19)
and Upsample (7, 9), in float32 and float64.

Per version: every type once (at a rotating form), then every form of the
version once (at a rotating type). The forms: nearest with each
nearest_mode and coordinate transform, linear and cubic (cubic_coeff_a,
exclude_outside), scales and sizes, tf_crop_and_resize with roi and
extrapolation_value (11, 13); antialias for linear and cubic, axes,
keep_aspect_ratio_policy not_larger and not_smaller (18); and
half_pixel_symmetric (19). X is NCHW with the last two axes resized by
scales that up- and downscale; scales, sizes and roi are initializers, as
exporters write them, so the output shape is known at plan time."""
import numpy as np

from graph import Built
from reference import op_version
from tensor_cases import new_graph

FLOATS = ('float32', 'float64')
BASE = ('nearest', 'nearest-ceil-asymmetric', 'nearest-prefer-ceil-align', 'nearest-tf-nn',
        'nearest-sizes', 'linear', 'linear-pytorch-sizes', 'linear-align', 'cubic',
        'cubic-exclude-a', 'cubic-asymmetric', 'crop-linear')
FORMS = {10: ('nearest', 'linear'), 11: ('nearest-sizes', 'linear-align', 'cubic', 'crop-linear'),
         13: BASE, 18: ('antialias-linear', 'antialias-cubic', 'axes', 'not-larger',
                        'not-smaller'),
         19: ('half-pixel-symmetric',)}
UPSAMPLE_FORMS = ('nearest', 'linear')


def specs():
    out = []
    for op, versions in (('Resize', (10, 11, 13, 18, 19)), ('Upsample', (7, 9))):
        for version in versions:
            forms = FORMS[version] if op == 'Resize' else UPSAMPLE_FORMS
            for i, t in enumerate(FLOATS):
                out.append(dict(section='image', kind='image', op=op, version=version,
                                dtype=t, form=forms[(i * 3 + version) % len(forms)]))
            for i, f in enumerate(forms):
                out.append(dict(section='image-forms', kind='image', op=op, version=version,
                                dtype=FLOATS[(i + version) % 2], form=f))
    return out


UPSAMPLE_SCALES = ((2.0, 3.0), (1.5, 2.0), (1.0, 2.5))
SCALES = ((2.0, 3.0), (0.5, 0.75), (1.5, 0.6), (2.0, 2.0), (0.6, 1.75))


def build_image(spec, rng):
    op, dtype, form, version = spec['op'], spec['dtype'], spec['form'], spec['version']
    g = new_graph(rng, spec, symbolic=0)
    v = op_version(op, g.opset)
    shape = [int(rng.integers(1, 3)), int(rng.integers(1, 4)),
             int(rng.integers(2, 7)), int(rng.integers(2, 7))]
    x = rng.uniform(-4, 4, shape).astype(dtype)
    g.input('X', x)
    attrs = {}
    sh, sw = SCALES[int(rng.integers(0, len(SCALES)))]
    if op == 'Upsample':        # its spec: every scale 1 or more
        sh, sw = UPSAMPLE_SCALES[int(rng.integers(0, len(UPSAMPLE_SCALES)))]
    if form in ('linear', 'cubic') or form.startswith(('linear-', 'cubic-', 'antialias-')):
        attrs['mode'] = 'cubic' if 'cubic' in form else 'linear'
    elif form == 'crop-linear':
        attrs['mode'] = 'linear'
    if op == 'Upsample' or v < 11:
        scales = np.array([1, 1, sh, sw], np.float32)
        if op == 'Upsample' and v < 9:
            y = g.node(op, ['X'], scales=[float(s) for s in scales], **attrs)
        else:
            y = g.node(op, ['X', g.init('scales', scales, dtype=np.float32)], **attrs)
        g.output(y)
        return Built(g, f"{op}-{v} {dtype} X{shape} scales {list(scales)} {attrs} ({form})",
                     {'shape': shape, 'attrs': attrs, 'form': form})
    coord = {'nearest-ceil-asymmetric': 'asymmetric', 'nearest-prefer-ceil-align': 'align_corners',
             'nearest-tf-nn': 'tf_half_pixel_for_nn', 'linear-pytorch-sizes': 'pytorch_half_pixel',
             'linear-align': 'align_corners', 'cubic-asymmetric': 'asymmetric',
             'crop-linear': 'tf_crop_and_resize',
             'half-pixel-symmetric': 'half_pixel_symmetric'}.get(form)
    if coord:
        attrs['coordinate_transformation_mode'] = coord
    if form == 'nearest-ceil-asymmetric':
        attrs['nearest_mode'] = 'ceil'
    elif form == 'nearest-prefer-ceil-align':
        attrs['nearest_mode'] = 'round_prefer_ceil'
    elif form == 'nearest-tf-nn':
        attrs['nearest_mode'] = 'floor' if rng.random() < 0.5 else 'round_prefer_floor'
    if form == 'cubic-exclude-a':
        attrs['cubic_coeff_a'] = -0.5
        attrs['exclude_outside'] = 1
    if form.startswith('antialias'):
        attrs['antialias'] = 1
        sh, sw = (0.5, 0.75) if rng.random() < 0.5 else (0.6, 1.5)
    sizes = None
    roi = ''
    if form in ('nearest-sizes', 'linear-pytorch-sizes', 'crop-linear', 'not-larger',
                'not-smaller') or rng.random() < 0.2:
        sizes = [shape[0], shape[1], int(rng.integers(1, 9)), int(rng.integers(1, 9))]
    if form == 'crop-linear':
        roi = g.init('roi', np.array([0, 0, 0.1, -0.2, 1, 1, 0.8, 1.3], np.float32),
                     dtype=np.float32)
        attrs['extrapolation_value'] = 2.5
    n_axes = 4
    if form in ('axes', 'not-larger', 'not-smaller'):
        attrs['axes'] = [2, -1] if rng.random() < 0.5 else [-1, 2]
        n_axes = 2
        if sizes is not None:
            sizes = sizes[2:] if attrs['axes'][0] == 2 else sizes[:1:-1]
    if form in ('not-larger', 'not-smaller'):
        attrs['keep_aspect_ratio_policy'] = form.replace('-', '_')
    inputs = ['X', roi]
    if sizes is not None:
        inputs += ['' if v >= 13 else g.init('scales', np.zeros(0, np.float32),
                                             dtype=np.float32),
                   g.init('sizes', np.array(sizes, np.int64), dtype=np.int64)]
        what = f'sizes {sizes}'
    else:
        scales = [1.0, 1.0, sh, sw]
        if n_axes == 2:
            scales = [sh, sw]
        inputs.append(g.init('scales', np.array(scales, np.float32), dtype=np.float32))
        what = f'scales {scales}'
    if v < 13 and not roi:
        inputs[1] = g.init('roi', np.zeros(0, np.float32), dtype=np.float32)
    y = g.node(op, inputs, **attrs)
    g.output(y)
    return Built(g, f"{op}-{v} {dtype} X{shape} {what} {attrs} ({form})",
                 {'shape': shape, 'attrs': attrs, 'form': form})
