"""Single-node cases of the recurrent operators: LSTM (1, 7, 14), GRU (1, 3,
7, 14) and RNN (1, 7, 14).

Every version runs in models of each opset it spans (1-21), in float32 and
float64. Per version: every type once (at a rotating form), then every
form once (at a rotating type). Forms: the defaults; reverse;
bidirectional; layout 1 (14+); sequence_lens shorter than the sequence
(forward, reverse and bidirectional); initial_h (and initial_c); a bias;
clip; non-default activations with activation_alpha/beta (every one of the
eleven names, drawn); only Y or only Y_h (Y_c) wanted; LSTM's peepholes and
input_forget; GRU's linear_before_reset (3+). W and R are initializers in
half the cases (packed at load), inputs in the rest. Values stay in
[-1, 1] (weights [-0.6, 0.6]), where no gate saturates to rounding noise
and the default tolerance holds after a few steps."""
import numpy as np

from graph import Built
from reference import RNN_ACTIVATIONS, RNN_CELLS, VERSIONS, op_version
from tensor_cases import new_graph

FLOATS = ('float32', 'float64')
BASE = ('default', 'reverse', 'bidirectional', 'seq-lens', 'seq-lens-reverse',
        'seq-lens-bidirectional', 'initial', 'bias', 'clip', 'activations',
        'activations-bidirectional', 'y-only', 'yh-only')


def forms_at(op, v):
    extra = ()
    if op == 'LSTM':
        extra = ('peepholes', 'peepholes-seq-lens', 'input-forget')
    if op == 'GRU' and v >= 3:
        extra = ('linear-before-reset', 'linear-before-reset-seq-lens')
    return BASE + extra + (('layout', 'layout-bidirectional-seq-lens') if v >= 14 else ())


def specs():
    out = []
    for op in ('LSTM', 'GRU', 'RNN'):
        for version in VERSIONS[op]:
            forms = forms_at(op, version)
            for i, t in enumerate(FLOATS):
                out.append(dict(section='recurrent', kind='recurrent', op=op, version=version,
                                dtype=t, form=forms[(i * 3 + version) % len(forms)]))
            for i, f in enumerate(forms):
                out.append(dict(section='recurrent-forms', kind='recurrent', op=op,
                                version=version, dtype=FLOATS[(i + version) % 2], form=f))
    return out


def draw_activations(rng, op, directions, attrs):
    per = len(RNN_CELLS[op][1])
    names = [str(rng.choice(sorted(RNN_ACTIVATIONS))) for _ in range(per * directions)]
    # the gates' own activation squashing keeps the state bounded; an
    # unbounded one (Relu, Affine...) on h would grow over the steps
    attrs['activations'] = names
    takes_a = sum(RNN_ACTIVATIONS[n][1] for n in names)
    takes_b = sum(RNN_ACTIVATIONS[n][2] for n in names)
    if takes_a:
        attrs['activation_alpha'] = [float(np.float32(rng.uniform(0.1, 0.9)))
                                     for _ in range(takes_a)]
    if takes_b:
        attrs['activation_beta'] = [float(np.float32(rng.uniform(0.1, 0.9)))
                                    for _ in range(takes_b)]


def build_recurrent(spec, rng):
    op, dtype, form = spec['op'], spec['dtype'], spec['form']
    g = new_graph(rng, spec)
    version = op_version(op, g.opset)
    gates = RNN_CELLS[op][0]
    directions = 2 if 'bidirectional' in form else 1
    seq, batch = int(rng.integers(1, 6)), int(rng.integers(1, 5))
    size, hidden = int(rng.integers(1, 6)), int(rng.integers(1, 7))
    if form in ('default', 'bias') and rng.random() < 0.3:   # the blocked Gemm path
        seq, batch, size, hidden = 7, 9, 20, 24
    layout = 1 if form.startswith('layout') else 0
    attrs = {'hidden_size': hidden}
    if directions == 2:
        attrs['direction'] = 'bidirectional'
    elif 'reverse' in form or (form == 'default' and rng.random() < 0.3):
        attrs['direction'] = 'reverse'
    if layout:
        attrs['layout'] = 1
    if form == 'clip':
        attrs['clip'] = float(np.float32(rng.uniform(0.2, 1.0)))
    if form.startswith('activations'):
        draw_activations(rng, op, directions, attrs)
    if form == 'input-forget':
        attrs['input_forget'] = 1
    if form.startswith('linear-before-reset'):
        attrs['linear_before_reset'] = 1
    x_shape = [batch, seq, size] if layout else [seq, batch, size]
    g.input('X', rng.uniform(-1, 1, x_shape).astype(dtype))
    weights = rng.random() < 0.5
    names = ['X']
    for name, shape in (('W', [directions, gates * hidden, size]),
                        ('R', [directions, gates * hidden, hidden])):
        v = rng.uniform(-0.6, 0.6, shape).astype(dtype)
        names.append(g.init(name, v) if weights else g.input(name, v))
    optional = ['', '', '', '', '']
    if form in ('bias', 'initial', 'clip') or form.startswith('peepholes') or rng.random() < 0.4:
        optional[0] = g.input('B', rng.uniform(-0.5, 0.5, [directions, 2 * gates * hidden])
                              .astype(dtype))
    if 'seq-lens' in form:
        optional[1] = g.input('sequence_lens', rng.integers(1, seq + 1, [batch]), dtype=np.int32)
    state = [batch, directions, hidden] if layout else [directions, batch, hidden]
    if form == 'initial' or form.startswith('peepholes') or rng.random() < 0.3:
        optional[2] = g.input('initial_h', rng.uniform(-1, 1, state).astype(dtype))
        if op == 'LSTM':
            optional[3] = g.input('initial_c', rng.uniform(-1, 1, state).astype(dtype))
    if form.startswith('peepholes'):
        optional[4] = g.input('P', rng.uniform(-0.5, 0.5, [directions, 3 * hidden])
                              .astype(dtype))
    optional = optional[:5 if op == 'LSTM' else 3]
    while optional and not optional[-1]:
        optional.pop()
    n_out = 3 if op == 'LSTM' else 2
    want = [True] * n_out
    if form == 'y-only' and not (op == 'GRU' and version < 3):   # GRU-1 requires Y_h
        want = [True] + [False] * (n_out - 1)
    elif form == 'yh-only':
        want = [False] + [True] * (n_out - 1)
    outs = g.node(op, names + optional, outputs=want, **attrs)
    outs = [outs] if isinstance(outs, str) else outs
    for name in outs:
        if name:
            g.output(name)
    desc = (f"{op}-{version} {dtype} X{x_shape} hidden {hidden} {attrs} "
            f"inputs {names + optional} ({form})")
    return Built(g, desc, {'shape': x_shape, 'attrs': attrs, 'form': form})
