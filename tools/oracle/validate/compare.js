'use strict';
// Element-wise comparison of onnxc's output with onnxruntime's. The
// tolerance test is onnxc-run's (numpy.testing.assert_allclose's):
// |got - want| <= atol + rtol * |want|, with onnxruntime as `want`. NaN
// must meet NaN and an infinity the same infinity, position by position.

const T = require('./tensor');

// Maps float bit patterns to integers in the same order as the values, so
// the ULP distance of two floats is the difference of their keys. -0 and
// +0 both map to 0. Negative floats have the sign bit set: their keys run
// downward from 0 as the magnitude grows.
function orderedKeys(tensor) {
  const { data } = tensor;
  if (tensor.type === 'float32') {
    const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
    return (i) => (bits[i] >= 0 ? bits[i] : -2147483648 - bits[i]);
  }
  const bits = new BigInt64Array(data.buffer, data.byteOffset, data.length);
  return (i) => (bits[i] >= 0n ? bits[i] : -(2n ** 63n) - bits[i]);
}

function absDiff(a, b) {
  const d = a - b;
  return d < 0 ? -d : d;
}

function emptyReport(got, want) {
  return {
    type: want.type, gotType: got.type, dims: want.dims, gotDims: got.dims,
    typeMatch: got.type === want.type,
    shapeMatch: got.dims.length === want.dims.length && got.dims.every((d, i) => d === want.dims[i]),
    count: T.elementCount(want.dims),
    maxAbs: 0, maxRel: 0, maxUlp: null,
    nanInf: { got: 0, want: 0, mismatched: 0 },
    outside: 0, ok: false,
  };
}

function nonFinite(x) {
  return typeof x === 'number' && !Number.isFinite(x);
}

// One element pair where at least one side is NaN or infinite: counts it,
// and returns whether the two agree (NaN with NaN, or the same infinity).
function compareNonFinite(report, a, e) {
  if (nonFinite(a)) report.nanInf.got++;
  if (nonFinite(e)) report.nanInf.want++;
  const same = Number.isNaN(a) ? Number.isNaN(e) : a === e;
  if (!same) report.nanInf.mismatched++;
  return same;
}

function compareTensors(got, want, rtol, atol) {
  const report = emptyReport(got, want);
  if (!report.typeMatch || !report.shapeMatch) return report;
  const isFloat = T.isFloatType(want.type);
  const gotKey = isFloat ? orderedKeys(got) : null;
  const wantKey = isFloat ? orderedKeys(want) : null;
  if (isFloat) report.maxUlp = want.type === 'float32' ? 0 : 0n;

  for (let i = 0; i < report.count; i++) {
    const a = got.data[i];
    const e = want.data[i];
    if (nonFinite(a) || nonFinite(e)) {
      if (!compareNonFinite(report, a, e)) report.outside++;
      continue;
    }
    const diff = Number(absDiff(a, e));  // exact for int64 (BigInt), then a number
    const magnitude = Math.abs(Number(e));
    const rel = diff === 0 ? 0 : diff / magnitude;  // Infinity when want is 0
    if (diff > report.maxAbs) report.maxAbs = diff;
    if (rel > report.maxRel) report.maxRel = rel;
    if (isFloat) {
      const ulp = absDiff(gotKey(i), wantKey(i));
      if (ulp > report.maxUlp) report.maxUlp = ulp;
    }
    if (diff > atol + rtol * magnitude) report.outside++;
  }
  report.ok = report.outside === 0;
  return report;
}

module.exports = { compareTensors };
