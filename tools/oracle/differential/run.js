#!/usr/bin/node
'use strict';
// run.js - run every case generate.py wrote through onnxc-run and through
// onnxruntime, and compare.
//
//   node run.js DIR --onnxc PATH [--keep-failures DIR] [--only case_A,case_B]
//               [--rtol X] [--atol X] [--strict-zero-sign] [--ort-all]
//               [--error-stats] [--verbose]
//   node run.js DIR --oracle-only [--only ...] [--strict-zero-sign] [--save-outputs]
//               [--verbose]
//
// onnxruntime runs in-process with graph optimizations disabled, so it
// computes the raw operators rather than fused or constant-folded ones
// (--ort-all also runs it at level 'all' and reports any difference).
// onnxc-run runs as a child process per case. Where onnxruntime cannot
// judge (opsets below 7, which it will not load; element types it has no
// kernel for; the cases oracle.py lists where it departs from the spec)
// the NumPy reference expected_K.npy judges instead, and the summary says
// so. Exit status 0 iff every case passed; the last line is always
// "N passed, N failed".
//
// Each output is compared with the tolerance the generator wrote for it
// (meta.json: the default for the dtype, or the operator's own for
// transcendental functions; integers and bools exactly). An element that
// misses the judge still passes when it is within the tolerance of the
// second reference and the second reference is within it of the judge:
// two approximations of the same function may err on either side.
//
// --oracle-only checks the generated cases themselves: onnxruntime against
// the NumPy reference on every case (so the references agree wherever
// onnxruntime judges), onnxruntime refusing every case oracle.py says it
// cannot run and every invalid model, and the largest error of
// onnxruntime per operator (in ULPs, relative, and as a share of the
// tolerance). --error-stats prints the same table for onnxc.
// --save-outputs writes onnxruntime's outputs into each case folder
// (onnxruntime_output_K.npy), for measure.py.
//
// The sign of a zero is compared too, but the spec does not always pin it
// down: onnxruntime's Relu keeps -0 where the ONNX reference (max(x, 0))
// gives +0, and its float64 LeakyRelu returns +0 for alpha * x = -0; a Gemm
// result that underflows to zero is -0 or +0 depending on whether the last
// step was a fused multiply-add. So a zero of the other sign is tolerated
// (counted, not failed) where the generator marked its sign free (the
// underflow case, free_zero_sign_K.npy), where the second opinion (NumPy
// when onnxruntime judges, onnxruntime when NumPy does) has onnxc's sign,
// or, with no second opinion, downstream of a Relu. --strict-zero-sign
// fails them all.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { readNpy, writeNpy, halfValue } = require('./npy');

const ORT_PATH = path.join(__dirname, '..', 'node_modules', 'onnxruntime-node');
const TOLERANCE = {
  float32: { rtol: 1e-4, atol: 1e-5 },
  float64: { rtol: 1e-10, atol: 1e-12 },
};
const FLOATS = new Set(['float32', 'float64']);
const USAGE = 'usage: node run.js DIR (--onnxc PATH | --oracle-only) [--keep-failures DIR] '
  + '[--only CASES] [--rtol X] [--atol X] [--strict-zero-sign] [--ort-all] [--error-stats] '
  + '[--save-outputs] [--verbose]';

// ------------------------------------------------------------ arguments

function usageError(message) {
  console.error(`run.js: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { only: null, keep: null, rtol: null, atol: null, strictZero: false,
    ortAll: false, verbose: false, oracleOnly: false, errorStats: false, saveOutputs: false };
  const value = (i, name) => (i < argv.length ? argv[i] : usageError(`${name} needs a value`));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--onnxc') opts.onnxc = path.resolve(value(++i, a));
    else if (a === '--keep-failures') opts.keep = path.resolve(value(++i, a));
    else if (a === '--only') opts.only = new Set(value(++i, a).split(','));
    else if (a === '--rtol') opts.rtol = Number(value(++i, a));
    else if (a === '--atol') opts.atol = Number(value(++i, a));
    else if (a === '--strict-zero-sign') opts.strictZero = true;
    else if (a === '--ort-all') opts.ortAll = true;
    else if (a === '--oracle-only') opts.oracleOnly = true;
    else if (a === '--error-stats') opts.errorStats = true;
    else if (a === '--save-outputs') opts.saveOutputs = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else if (a.startsWith('-')) usageError(`unknown option ${a}`);
    else if (!opts.dir) opts.dir = path.resolve(a);
    else usageError(`unexpected argument ${a}`);
  }
  if (!opts.dir) usageError('no case folder given');
  if (!opts.onnxc && !opts.oracleOnly) usageError('--onnxc PATH (or --oracle-only) is required');
  for (const t of ['rtol', 'atol']) {
    if (opts[t] !== null && !(opts[t] >= 0)) usageError(`--${t} needs a non-negative number`);
  }
  return opts;
}

// The tolerance of output k: the generator's, else the dtype's default;
// --rtol / --atol override. null: compared exactly (integers, bools).
// float16 (only ever moved, or rounded once by Cast) is compared exactly
// too, as values: NaN matches any NaN, and the sign of zero counts.
function tolerance(meta, k, opts) {
  const out = meta.outputs[k];
  const dtype = out.dtype || meta.dtype;
  if (dtype === 'float16') return { rtol: 0, atol: 0 };
  if (!FLOATS.has(dtype)) return null;
  const t = out.tolerance || TOLERANCE[dtype];
  return { rtol: opts.rtol ?? t.rtol, atol: opts.atol ?? t.atol };
}

// -------------------------------------------------------- the two runtimes

// Runs onnxc-run on the case; returns { ok, outputs } or { ok: false, error }.
function runOnnxc(opts, caseDir, meta, scratch) {
  const outDir = path.join(scratch, meta.case);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const args = ['--quiet', '--output-format', 'npy', '-o', outDir, path.join(caseDir, 'model.onnx'),
    ...meta.inputs.map((input) => path.join(caseDir, input.file))];
  const r = spawnSync(opts.onnxc, args, { encoding: 'utf8', timeout: 120000 });
  try {
    if (r.error) return { ok: false, error: `could not run: ${r.error.message}` };
    if (r.signal) return { ok: false, error: `killed by ${r.signal}`, crashed: true };
    const stderr = r.stderr.trimEnd();
    if (r.status !== 0) return { ok: false, status: r.status, error: stderr, lines: stderr.split('\n').length };
    const outputs = meta.outputs.map((o, k) => readNpy(path.join(outDir, `output_${k}.npy`)));
    return { ok: true, outputs };
  } catch (e) {
    return { ok: false, error: e.message };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

// onnxc exits 2 with "unsupported operator ..." for an operator (or
// version) it does not implement: a refusal, not a wrong answer.
function refusal(onnxc) {
  if (onnxc.ok || onnxc.status !== 2) return null;
  const m = /unsupported (operator|element type|data type|type)[^\n]*/i.exec(onnxc.error || '');
  return m ? m[0] : null;
}

let ort = null;
function loadOrt() {
  if (!ort) {
    ort = require(ORT_PATH);
    ort.env.logLevel = 'error';
  }
  return ort;
}

// Runs onnxruntime in-process at the given graph optimization level.
async function runOrt(caseDir, meta, inputs, level) {
  const o = loadOrt();
  let session = null;
  try {
    session = await o.InferenceSession.create(fs.readFileSync(path.join(caseDir, 'model.onnx')),
      { graphOptimizationLevel: level, logSeverityLevel: 4 });
    const feeds = {};
    meta.inputs.forEach((input, k) => {
      feeds[input.name] = new o.Tensor(inputs[k].dtype, inputs[k].data, inputs[k].dims);
    });
    const result = await session.run(feeds);
    const outputs = meta.outputs.map((out) => {
      const t = result[out.name];
      return { dtype: t.type, dims: Array.from(t.dims), data: t.data };
    });
    return { ok: true, outputs };
  } catch (e) {
    return { ok: false, error: String(e.message).split('\n')[0] };
  } finally {
    if (session) await session.release();
  }
}

// ------------------------------------------------------------ comparing

// Why a and b (one element each, b the reference) disagree, or null; tol
// null compares exactly (integers, bools, BigInts).
function elementMismatch(a, b, tol) {
  if (tol === null) return a === b ? null : 'value';
  if (Number.isNaN(a) || Number.isNaN(b)) {
    return Number.isNaN(a) && Number.isNaN(b) ? null : 'NaN position';
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? null : 'Inf position or sign';
  if (a === 0 && b === 0) return Object.is(a, b) ? null : 'sign of zero';
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b) ? null : 'value';
}

// A float16 tensor with its values (numbers) in place of its bits.
function values(t) {
  return t.dtype === 'float16' ? { ...t, data: Float64Array.from(t.data, halfValue) } : t;
}

function unravel(flat, dims) {
  const idx = [];
  for (let d = dims.length - 1; d >= 0; d--) {
    idx.unshift(dims[d] ? flat % dims[d] : 0);
    flat = dims[d] ? Math.floor(flat / dims[d]) : 0;
  }
  return `[${idx.join(',')}]`;
}

const show = (v) => (Object.is(v, -0) ? '-0' : String(v));

// Compares one output. zeroSignOk(i) says whether a zero of the other sign
// at element i is tolerated (counted in `zeros`); second (or null) is the
// other reference's output (see the top of the file).
function compareTensor(got, want, tol, zeroSignOk, second) {
  if (got.dtype !== want.dtype) return { ok: false, why: `dtype ${got.dtype} vs ${want.dtype}` };
  if (got.dims.join() !== want.dims.join()) {
    return { ok: false, why: `shape [${got.dims}] vs [${want.dims}]` };
  }
  if (want.dtype === 'float16') {
    [got, want] = [got, want].map(values);
    if (second) second = values(second);
  }
  const other = second && second.dtype === want.dtype && second.dims.join() === want.dims.join()
    ? second.data : null;
  let zeros = 0;
  let viaSecond = 0;
  for (let i = 0; i < want.data.length; i++) {
    const why = elementMismatch(got.data[i], want.data[i], tol);
    if (!why) continue;
    if (why === 'sign of zero' && zeroSignOk(i)) zeros++;
    else if (why === 'value' && other && !elementMismatch(got.data[i], other[i], tol)
             && !elementMismatch(other[i], want.data[i], tol)) viaSecond++;
    else {
      return { ok: false, why, at: unravel(i, want.dims), flat: i, got: got.data[i], want: want.data[i], zeros };
    }
  }
  return { ok: true, zeros, viaSecond };
}

// The zero-sign policy (see the top of the file) for output k.
function zeroSignPolicy(got, second, meta, k, opts) {
  if (opts.strictZero) return () => false;
  if (opts.anyZeroSign) return () => true;
  const free = meta.freeZeroSign[k];
  const other = second && second[k];
  if (other && other.dims.join() === got.dims.join()) {
    return (i) => Boolean(free && free.data[i]) || Object.is(other.data[i], got.data[i]);
  }
  const relu = meta.outputs[k].relu_upstream;
  return (i) => Boolean(free && free.data[i]) || relu;
}

// Compares all outputs against the judge's; returns the first difference
// (or null) and the number of tolerated zero-sign differences.
function compareOutputs(got, want, meta, opts, second = null) {
  let zeros = 0;
  for (let k = 0; k < want.length; k++) {
    const r = compareTensor(got[k], want[k], tolerance(meta, k, opts),
      zeroSignPolicy(got[k], second, meta, k, opts), second && second[k]);
    zeros += r.zeros || 0;
    if (!r.ok) return { diff: { output: k, name: meta.outputs[k].name, ...r }, zeros };
  }
  return { diff: null, zeros };
}

function describeDiff(d, gotName, wantName) {
  if (d.at === undefined) return `output ${d.output} (${d.name}): ${d.why} (${gotName} vs ${wantName})`;
  return `output ${d.output} (${d.name}) at ${d.at}: ${gotName}=${show(d.got)} `
    + `${wantName}=${show(d.want)} (${d.why})`;
}

// ------------------------------------------------------ error statistics

// The spacing of floats of dtype at |x| (an ULP).
function ulp(x, dtype) {
  const [mant, minExp] = dtype === 'float32' ? [23, -126] : [52, -1022];
  const e = x === 0 ? minExp : Math.max(Math.floor(Math.log2(Math.abs(x))), minExp);
  return 2 ** (e - mant);
}

// Largest errors of got against the NumPy reference over the finite
// elements both have: in ULPs of the reference, relative (normal results
// only), and as a share of the tolerance.
function errorStats(got, want, meta, opts, stats) {
  for (let k = 0; k < want.length; k++) {
    const tol = tolerance(meta, k, opts);
    if (tol === null || !FLOATS.has(want[k].dtype) || got[k].dtype !== want[k].dtype
        || got[k].dims.join() !== want[k].dims.join()) continue;
    const tiny = want[k].dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
    const g = got[k].data;
    const w = want[k].data;
    for (let i = 0; i < w.length; i++) {
      if (!Number.isFinite(w[i]) || !Number.isFinite(g[i])) continue;
      const err = Math.abs(g[i] - w[i]);
      stats.elements++;
      const u = err / ulp(w[i], want[k].dtype);
      stats.ulps = Math.max(stats.ulps, u);
      if (Math.abs(w[i]) >= tiny) stats.rel = Math.max(stats.rel, err / Math.abs(w[i]));
      stats.abs = Math.max(stats.abs, err);
      const room = tol.atol + tol.rtol * Math.abs(w[i]);    // 0: compared exactly
      stats.share = Math.max(stats.share, room ? err / room : err ? Infinity : 0);
      stats.tol = tol;
    }
  }
}

// ------------------------------------------------------------ one case

function readExpected(caseDir, meta) {
  if (meta.expect !== 'ok') return null;
  meta.freeZeroSign = meta.outputs.map((o) => (o.free_zero_sign
    ? readNpy(path.join(caseDir, o.free_zero_sign)) : null));
  return meta.outputs.map((o) => readNpy(path.join(caseDir, o.file)));
}

// A model every runtime must refuse: onnxc exits 2 with one stderr line.
function judgeInvalid(result, onnxc, ortRun) {
  if (refusal(onnxc)) {
    // Refused, but maybe only because the operator is not there yet.
    result.notes.push({ kind: 'invalid-unsupported', text: refusal(onnxc) });
  }
  if (onnxc.ok) result.problems.push('onnxc accepted a model that is invalid');
  else if (onnxc.status !== 2 || onnxc.lines !== 1) {
    result.problems.push(`onnxc refused it but exited ${onnxc.status ?? onnxc.error} with `
      + `${onnxc.lines ?? 0} stderr lines (want 2 and one line): ${onnxc.error}`);
  }
  if (ortRun && ortRun.ok) result.problems.push('onnxruntime accepted a model the generator thinks invalid');
}

function judgeValid(result, onnxc, ref, second, expected, meta, opts) {
  if (!onnxc.ok) {
    const why = refusal(onnxc);
    result.refused = Boolean(why);
    result.problems.push(why ? `onnxc refused the model: ${why}` : `onnxc failed: ${onnxc.error}`);
    return;
  }
  if (!ref.ok) {
    result.problems.push(`${ref.who} failed: ${ref.error}`);
    return;
  }
  const { diff, zeros } = compareOutputs(onnxc.outputs, ref.outputs, meta, opts, second);
  result.zeroSigns = zeros;
  if (!diff) return;
  let line = describeDiff(diff, 'onnxc', ref.who);
  // A third opinion: which side does the NumPy reference agree with?
  if (ref.who !== 'numpy' && diff.at !== undefined) {
    const v = expected[diff.output].data[diff.flat];
    const tol = tolerance(meta, diff.output, opts);
    const side = !elementMismatch(diff.got, v, tol) ? 'onnxc'
      : !elementMismatch(diff.want, v, tol) ? 'onnxruntime' : 'neither';
    line += `; numpy reference=${show(v)} sides with ${side}`;
  }
  result.problems.push(line);
}

async function runCase(caseDir, opts, scratch) {
  const meta = JSON.parse(fs.readFileSync(path.join(caseDir, 'meta.json'), 'utf8'));
  const inputs = meta.inputs.map((input) => readNpy(path.join(caseDir, input.file)));
  const expected = readExpected(caseDir, meta);
  if (opts.oracleOnly) return runOracleCase(caseDir, meta, inputs, expected, opts);
  const onnxc = runOnnxc(opts, caseDir, meta, scratch);
  const ortRun = meta.onnxruntime_runs ? await runOrt(caseDir, meta, inputs, 'disabled') : null;
  const result = { meta, onnxc, ortRun, problems: [], zeroSigns: 0, notes: [] };
  if (meta.expect === 'error') {
    judgeInvalid(result, onnxc, ortRun);
    return result;
  }
  const byNumpy = meta.reference === 'numpy';
  const ref = byNumpy ? { ok: true, outputs: expected, who: 'numpy' } : { ...ortRun, who: 'onnxruntime' };
  const second = byNumpy ? (ortRun && ortRun.ok ? ortRun.outputs : null) : expected;
  judgeValid(result, onnxc, ref, second, expected, meta, opts);
  if (opts.errorStats && onnxc.ok) {
    result.stats = newStats();
    errorStats(onnxc.outputs, expected, meta, opts, result.stats);
  }
  await addOracleNotes(result, caseDir, inputs, expected, opts);
  return result;
}

function newStats() {
  return { elements: 0, ulps: 0, rel: 0, abs: 0, share: 0, tol: null };
}

// --oracle-only: onnxruntime against the NumPy reference, and the claims
// the generator makes about onnxruntime (see the top of the file).
async function runOracleCase(caseDir, meta, inputs, expected, opts) {
  const ortRun = await runOrt(caseDir, meta, inputs, 'disabled');
  const result = { meta, onnxc: null, ortRun, problems: [], zeroSigns: 0, notes: [] };
  if (opts.saveOutputs && ortRun.ok) {
    ortRun.outputs.forEach((t, k) => writeNpy(path.join(caseDir, `onnxruntime_output_${k}.npy`),
      t.dtype, t.dims, t.data));
  }
  if (meta.expect === 'error') {
    if (ortRun.ok) result.problems.push('onnxruntime accepted a model the generator thinks invalid');
    return result;
  }
  if (!meta.onnxruntime_runs) {
    if (ortRun.ok) {
      result.problems.push(`oracle.py says onnxruntime cannot run this (${meta.reference_reason}), `
        + 'but it does: update oracle.py');
    } else result.notes.push({ kind: 'gap-confirmed', why: meta.reference_reason, text: ortRun.error });
    return result;
  }
  if (!ortRun.ok) {
    result.problems.push(`onnxruntime failed: ${ortRun.error}`);
    return result;
  }
  // No third opinion here: a zero of the other sign is counted, not failed
  // (unless --strict-zero-sign).
  const { diff, zeros } = compareOutputs(ortRun.outputs, expected, meta,
    opts.strictZero ? opts : { ...opts, anyZeroSign: true }, null);
  result.zeroSigns = zeros;
  if (meta.reference === 'numpy') {
    // A listed deviation: report whether it still shows.
    result.notes.push({ kind: diff ? 'deviation-confirmed' : 'deviation-not-seen',
      why: meta.reference_reason, text: diff ? describeDiff(diff, 'onnxruntime', 'numpy') : '' });
  } else {
    if (diff) result.problems.push(describeDiff(diff, 'onnxruntime', 'numpy'));
    result.stats = newStats();
    errorStats(ortRun.outputs, expected, meta, opts, result.stats);
  }
  return result;
}

// Informational: do the two references agree with each other (every sign
// of zero compared)? With --ort-all: does graph optimization change
// onnxruntime's answer?
async function addOracleNotes(result, caseDir, inputs, expected, opts) {
  const { meta, ortRun } = result;
  if (ortRun && !ortRun.ok && meta.reference === 'numpy') {
    result.notes.push({ kind: 'ort-vs-numpy', why: 'onnxruntime failed', text: ortRun.error });
  } else if (ortRun && ortRun.ok) {
    const { diff } = compareOutputs(ortRun.outputs, expected, meta, { ...opts, strictZero: true });
    if (diff) {
      result.notes.push({ kind: 'ort-vs-numpy', why: diff.why || 'shape',
        text: describeDiff(diff, 'onnxruntime', 'numpy') });
    }
  }
  if (opts.ortAll && ortRun && ortRun.ok) {
    const all = await runOrt(caseDir, meta, inputs, 'all');
    const strict = { ...opts, strictZero: true };
    const diff = all.ok ? compareOutputs(all.outputs, ortRun.outputs, meta, strict).diff : null;
    if (!all.ok || diff) {
      result.notes.push({ kind: 'ort-all-vs-disabled',
        text: all.ok ? describeDiff(diff, "level 'all'", "level 'disabled'") : all.error });
    }
  }
}

// ------------------------------------------------------------ failures

function replayLines(opts, keptDir, meta) {
  const runner = opts.oracleOnly ? '--oracle-only' : `--onnxc ${opts.onnxc}`;
  const lines = [`node ${path.join(__dirname, 'run.js')} ${keptDir} --only ${meta.case} ${runner}`];
  if (opts.onnxc) {
    lines.push(`${opts.onnxc} --output-format npy -o /tmp/out ${path.join(keptDir, meta.case, 'model.onnx')} `
      + meta.inputs.map((i) => path.join(keptDir, meta.case, i.file)).join(' '));
  }
  lines.push(`rebuild: /usr/bin/python3 ${path.join(__dirname, 'generate.py')} --seed ${meta.seed} `
    + `--cases ${meta.cases} --out ${keptDir} --only ${meta.index}`);
  return lines;
}

// Saves the failing case (model, inputs, both runtimes' outputs) and the
// command lines that replay it; returns the folder.
function keepFailure(result, caseDir, opts) {
  const { meta } = result;
  const keptDir = opts.keep || opts.dir;
  const dest = path.join(keptDir, meta.case);
  if (opts.keep) fs.cpSync(caseDir, dest, { recursive: true });
  const save = (run, who) => {
    if (!run || !run.ok) return;
    run.outputs.forEach((t, k) => writeNpy(path.join(dest, `${who}_output_${k}.npy`), t.dtype, t.dims, t.data));
  };
  save(result.onnxc, 'onnxc');
  save(result.ortRun, 'onnxruntime');
  fs.writeFileSync(path.join(dest, 'REPLAY.txt'),
    [`seed ${meta.seed}, ${meta.case}: ${meta.description}`, ...result.problems, '',
      ...replayLines(opts, keptDir, meta), ''].join('\n'));
  return dest;
}

// ------------------------------------------------------------ summary

class Summary {
  constructor() {
    this.rows = new Map();
    this.sections = new Map();
    this.notes = [];
    this.zeroSigns = new Map();   // category -> { elements, cases, example }
    this.stats = new Map();       // category -> error statistics
    this.passed = 0;
    this.failed = 0;
    this.refused = 0;
  }

  static bump(map, key, fresh) {
    if (!map.has(key)) map.set(key, fresh());
    return map.get(key);
  }

  add(result) {
    const { meta } = result;
    const failed = result.problems.length > 0;
    const key = meta.category + (meta.reference === 'numpy' ? ' [numpy-reference]' : '');
    const row = Summary.bump(this.rows, key, () => ({ cases: 0, failed: 0, refused: 0, opsets: new Set(), zeros: 0 }));
    row.cases++;
    row.failed += failed ? 1 : 0;
    row.refused += result.refused ? 1 : 0;
    row.opsets.add(meta.opset);
    row.zeros += result.zeroSigns ? 1 : 0;
    const sec = Summary.bump(this.sections, meta.section, () => ({ cases: 0, failed: 0 }));
    sec.cases++;
    sec.failed += failed ? 1 : 0;
    for (const n of result.notes) this.notes.push({ ...n, meta });
    if (result.zeroSigns) {
      const z = Summary.bump(this.zeroSigns, meta.category, () => ({ elements: 0, cases: 0, example: meta.case }));
      z.elements += result.zeroSigns;
      z.cases++;
    }
    if (result.stats && result.stats.elements) {
      const s = Summary.bump(this.stats, meta.category, newStats);
      const r = result.stats;
      s.elements += r.elements;
      s.ulps = Math.max(s.ulps, r.ulps);
      s.rel = Math.max(s.rel, r.rel);
      s.abs = Math.max(s.abs, r.abs);
      s.share = Math.max(s.share, r.share);
      s.tol = r.tol;
    }
    if (failed) this.failed++;
    else this.passed++;
    if (result.refused) this.refused++;
  }

  static printTable(title, columns, rows) {
    const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => cells.map((c, i) => (i ? String(c).padStart(widths[i])
      : String(c).padEnd(widths[i]))).join('  ');
    console.log(`\n${title}`);
    console.log(line(columns));
    for (const r of rows) console.log(line(r));
  }

  print(opts) {
    const span = (set) => {
      const v = [...set].sort((a, b) => a - b);
      return v[0] === v[v.length - 1] ? `${v[0]}` : `${v[0]}-${v[v.length - 1]}`;
    };
    const byName = ([a], [b]) => a.localeCompare(b, 'en', { numeric: true });
    Summary.printTable('By operator version and dtype (opsets: model opsets seen; refused: '
      + 'failed because onnxc does not support the operator; zero-sign: cases with a tolerated '
      + 'sign-of-zero difference):',
    ['category', 'opsets', 'cases', 'passed', 'failed', 'refused', 'zero-sign'],
    [...this.rows.entries()].sort(byName)
      .map(([k, r]) => [k, span(r.opsets), r.cases, r.cases - r.failed, r.failed, r.refused, r.zeros]));
    Summary.printTable('By section:', ['section', 'cases', 'passed', 'failed'],
      [...this.sections.entries()].map(([k, r]) => [k, r.cases, r.cases - r.failed, r.failed]));
    if (this.stats.size) this.printStats(opts, byName);
    this.printNotes(opts);
  }

  printStats(opts, byName) {
    const who = opts.oracleOnly ? 'onnxruntime' : 'onnxc';
    const g = (x) => (x === 0 ? '0' : x.toPrecision(3));
    Summary.printTable(`Largest error of ${who} against the NumPy reference (finite elements; `
      + 'ULPs of the reference; relative error over normal results; share of the tolerance used):',
    ['category', 'elements', 'max ULP', 'max rel', 'max abs', 'tol used', 'rtol', 'atol'],
    [...this.stats.entries()].sort(byName).map(([k, s]) => [k, s.elements, g(s.ulps), g(s.rel),
      g(s.abs), `${(100 * s.share).toFixed(1)}%`, g(s.tol.rtol), g(s.tol.atol)]));
  }

  printNotes(opts) {
    if (opts.oracleOnly) {
      this.printOracleNotes();
    } else {
      const dev = this.notes.filter((n) => n.kind === 'ort-vs-numpy');
      const groups = new Map();
      for (const n of dev) {
        const judge = n.meta.reference === 'numpy' ? `NumPy judges (${n.meta.reference_reason})`
          : 'onnxruntime judges';
        Summary.bump(groups, `${n.meta.category}, ${judge}, ${n.why}`, () => []).push(n);
      }
      console.log(`\nonnxruntime vs the NumPy reference (information, not failures): ${dev.length} case(s) differ`);
      for (const [key, list] of [...groups.entries()].sort()) {
        console.log(`  ${key}: ${list.length} case(s), e.g. ${list[0].meta.case}: ${list[0].text}`);
      }
    }
    if (opts.ortAll) {
      const all = this.notes.filter((n) => n.kind === 'ort-all-vs-disabled');
      console.log(`onnxruntime graphOptimizationLevel 'all' vs 'disabled': ${all.length} case(s) differ`);
      for (const n of all.slice(0, 5)) console.log(`  ${n.meta.case} [${n.meta.description}]: ${n.text}`);
    }
    const unsupported = this.notes.filter((n) => n.kind === 'invalid-unsupported');
    if (unsupported.length) {
      console.log(`Invalid models onnxc refused with "unsupported operator" (right for an operator `
        + `used before its first version; otherwise the check that matters was not reached): `
        + `${unsupported.length}, e.g. ${unsupported[0].meta.case}: ${unsupported[0].text}`);
    }
    const zeroTotal = [...this.zeroSigns.values()].reduce((a, z) => a + z.cases, 0);
    console.log(`Tolerated sign-of-zero differences (underflow, the references disagree, or -0 through Relu): `
      + `${zeroTotal} case(s)${opts.strictZero ? ' (--strict-zero-sign: none tolerated)' : ''}`);
    for (const [cat, z] of [...this.zeroSigns.entries()].sort()) {
      console.log(`  ${cat}: ${z.elements} element(s) in ${z.cases} case(s), e.g. ${z.example}`);
    }
  }

  // What --oracle-only found about oracle.py's list.
  printOracleNotes() {
    for (const [kind, title] of [['gap-confirmed', 'onnxruntime refuses, as oracle.py says'],
      ['deviation-confirmed', 'onnxruntime departs from the spec, as oracle.py says'],
      ['deviation-not-seen', 'listed as a deviation, but onnxruntime agrees on this case']]) {
      const list = this.notes.filter((n) => n.kind === kind);
      const groups = new Map();
      for (const n of list) Summary.bump(groups, n.why, () => []).push(n);
      console.log(`\n${title}: ${list.length} case(s)`);
      for (const [why, l] of [...groups.entries()].sort()) {
        const cats = [...new Set(l.map((n) => n.meta.category))].sort().join(', ');
        console.log(`  ${why}: ${l.length} case(s) (${cats}), e.g. ${l[0].meta.case}`
          + (l[0].text ? `: ${l[0].text.slice(0, 120)}` : ''));
      }
    }
  }
}

// ------------------------------------------------------------ main

// The case folders to run: all, or those --only names (case_0042 or 42).
function listCases(opts) {
  if (!fs.existsSync(opts.dir)) usageError(`${opts.dir} does not exist`);
  const names = fs.readdirSync(opts.dir).filter((n) => n.startsWith('case_')).sort();
  if (!opts.only) return names;
  return [...opts.only].map((want) => {
    const name = names.find((n) => n === want || (/^\d+$/.test(want) && Number(n.slice(5)) === Number(want)));
    return name || usageError(`no case ${want} in ${opts.dir}`);
  });
}

// One line: the seed, the folder now holding the case, the first difference.
function reportFailure(result, caseDir, opts) {
  const { meta } = result;
  const kept = keepFailure(result, caseDir, opts);
  console.log(`FAIL seed=${meta.seed} ${kept} [${meta.description}]: ${result.problems.join('; ')}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.onnxc && !fs.existsSync(opts.onnxc)) usageError(`${opts.onnxc} does not exist`);
  const names = listCases(opts);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onnxc-differential-'));
  const summary = new Summary();
  const started = Date.now();
  try {
    for (const name of names) {
      const caseDir = path.join(opts.dir, name);
      const result = await runCase(caseDir, opts, scratch);
      summary.add(result);
      if (result.problems.length) reportFailure(result, caseDir, opts);
      else if (opts.verbose) console.log(`ok   ${name} [${result.meta.description}]`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  summary.print(opts);
  if (summary.failed) {
    const where = opts.keep || opts.dir;
    const runner = opts.oracleOnly ? '--oracle-only' : `--onnxc ${opts.onnxc}`;
    console.log(`\nFailing cases are in ${where}, each with its outputs and REPLAY.txt; replay one with\n`
      + `  node ${path.join(__dirname, 'run.js')} ${where} --only case_NNNN ${runner}`);
  }
  console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s for ${names.length} case(s)`);
  if (summary.refused) {
    console.log(`(${summary.refused} of the failures: onnxc refused an operator it does not support yet)`);
  }
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  process.exit(summary.failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`run.js: ${e.stack || e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
