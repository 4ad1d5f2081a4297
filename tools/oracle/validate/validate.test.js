'use strict';
// Unit tests for onnxc-validate's helpers: node --test tools/oracle/validate/
// The wire bytes below are written out by hand, not with the module's own
// writer, so a reader bug cannot hide behind a matching writer bug.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const fs = require('fs');

const { decodeTensorProto, encodeTensorProto } = require('./tensor_proto');
const { readNpy, writeNpy, isNpy } = require('./npy');
const { onnxOpset } = require('./model_info');
const { makeRng, concreteDims, randomTensor } = require('./random');
const { compareTensors } = require('./compare');
const T = require('./tensor');

const FIXTURES = path.join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'reference', 'mlp_relu');

function f32(...v) {
  return T.makeTensor('', 'float32', [v.length], Float32Array.from(v));
}

function f64(...v) {
  return T.makeTensor('', 'float64', [v.length], Float64Array.from(v));
}

test('TensorProto: packed float_data, dims, data_type and name', () => {
  const bytes = Buffer.from([
    0x08, 0x02,                    // dims: 2
    0x10, 0x01,                    // data_type: FLOAT
    0x22, 0x08,                    // float_data, packed, 8 bytes
    0x00, 0x00, 0x80, 0x3f,        //   1.0
    0x00, 0x00, 0x00, 0xc0,        //   -2.0
    0x42, 0x01, 0x78,              // name: "x"
  ]);
  const t = decodeTensorProto(bytes);
  assert.equal(t.name, 'x');
  assert.equal(t.type, 'float32');
  assert.deepEqual(t.dims, [2]);
  assert.deepEqual(Array.from(t.data), [1, -2]);
});

test('TensorProto: unpacked float_data and negative int64_data', () => {
  const floats = decodeTensorProto(Buffer.from([
    0x08, 0x01, 0x10, 0x01,
    0x25, 0x00, 0x00, 0x40, 0x40,  // float_data, one fixed32 field: 3.0
  ]));
  assert.deepEqual(Array.from(floats.data), [3]);
  const ints = decodeTensorProto(Buffer.from([
    0x08, 0x01, 0x10, 0x07,        // dims 1, INT64
    0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  // int64_data: -1
  ]));
  assert.deepEqual(Array.from(ints.data), [-1n]);
});

test('TensorProto: raw_data and a count that does not fit the shape', () => {
  const raw = Buffer.from([0x08, 0x01, 0x10, 0x0b, 0x4a, 0x08, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  assert.deepEqual(Array.from(decodeTensorProto(raw).data), [1]);   // DOUBLE 1.0
  const short = Buffer.from([0x08, 0x03, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0x80, 0x3f]);
  assert.throws(() => decodeTensorProto(short), /needs 3 values, got 1/);
  assert.throws(() => decodeTensorProto(Buffer.from([0x4a, 0x10, 0])), /past the end/);
});

test('TensorProto: reads the committed fixture and round-trips it', () => {
  const t = decodeTensorProto(fs.readFileSync(path.join(FIXTURES, 'test_data_set_1', 'input_0.pb')));
  assert.equal(t.name, 'input');
  assert.deepEqual(t.dims, [64, 10]);
  const again = decodeTensorProto(encodeTensorProto(t));
  assert.deepEqual(again, t);
});

test('npy: write then read keeps type, shape and values; header is aligned', () => {
  for (const t of [f32(1.5, -2), f64(Math.PI), T.makeTensor('', 'int64', [2, 1], BigInt64Array.from([-3n, 4n])),
    T.makeTensor('', 'float32', [], Float32Array.from([7]))]) {
    const bytes = writeNpy(t);
    assert.ok(isNpy(bytes));
    assert.equal(bytes.readUInt16LE(8) + 10, bytes.length - t.data.byteLength);
    assert.equal((bytes.length - t.data.byteLength) % 64, 0);
    assert.deepEqual(readNpy(bytes), t);
  }
});

test('npy: rejects Fortran order and big-endian data', () => {
  const header = (dict) => {
    const text = dict.padEnd(117, ' ') + '\n';
    const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]);
    return Buffer.concat([head, Buffer.from(text, 'latin1'), Buffer.alloc(16)]);
  };
  assert.throws(() => readNpy(header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }")), /Fortran/);
  assert.throws(() => readNpy(header("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }")), /big-endian/);
  assert.equal(readNpy(header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }")).dims[0], 4);
});

test('model: finds the ai.onnx opset', () => {
  assert.equal(onnxOpset(fs.readFileSync(path.join(FIXTURES, 'model.onnx'))), 13);
  // opset_import { domain: "" version: 6 }
  assert.equal(onnxOpset(Buffer.from([0x42, 0x04, 0x0a, 0x00, 0x10, 0x06])), 6);
});

test('compare: ULP distances on the bit patterns', () => {
  const one = 1;
  const next32 = new Float32Array(new Uint32Array([0x3f800001]).buffer)[0];
  assert.equal(compareTensors(f32(next32), f32(one), 0, 1).maxUlp, 1);
  // -0 and +0 are the same value; the two smallest denormals of opposite
  // sign are two steps apart (one to zero, one past it).
  assert.equal(compareTensors(f32(-0), f32(0), 0, 0).maxUlp, 0);
  const tiny = new Float32Array(new Uint32Array([1]).buffer)[0];
  assert.equal(compareTensors(f32(-tiny), f32(tiny), 0, 1).maxUlp, 2);
  const next64 = 1 + Number.EPSILON;
  assert.equal(compareTensors(f64(next64 + Number.EPSILON), f64(one), 0, 1).maxUlp, 2n);
});

test('compare: tolerance, NaN/Inf positions, shape and type', () => {
  const rep = compareTensors(f32(1.001, 0), f32(1, 0), 1e-4, 1e-5);
  assert.equal(rep.outside, 1);
  assert.ok(rep.maxRel > 9e-4 && rep.maxRel < 1.1e-3);
  assert.ok(compareTensors(f32(1.0005), f32(1), 1e-3, 0).ok);
  assert.ok(compareTensors(f32(NaN, Infinity), f32(NaN, Infinity), 0, 0).ok);
  const nan = compareTensors(f32(NaN, -Infinity), f32(1, Infinity), 0, 0);
  assert.equal(nan.nanInf.mismatched, 2);
  assert.ok(!nan.ok);
  assert.ok(!compareTensors(f32(1, 2), T.makeTensor('', 'float32', [1, 2], Float32Array.from([1, 2])), 0, 0).ok);
  assert.ok(!compareTensors(f64(1), f32(1), 0, 0).typeMatch);
});

test('random: seeded and shaped', () => {
  const a = randomTensor(makeRng(3), 'x', 'float32', concreteDims(['batch', 4], 5));
  const b = randomTensor(makeRng(3), 'x', 'float32', [5, 4]);
  const c = randomTensor(makeRng(4), 'x', 'float32', [5, 4]);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.data, c.data);
  assert.ok(a.data.some((v) => v < 0) && a.data.some((v) => v > 0));
});
