'use strict';
// A tensor as onnxc-validate passes it around: {name, type, dims, data}.
// `type` uses onnxruntime's names, so a tensor converts to an ort.Tensor
// without a lookup; `data` is a typed array of that element type.

// Element types shared by ONNX, NumPy and onnxruntime-node. FLOAT16,
// BFLOAT16, STRING and the complex types are left out: no JavaScript typed
// array holds them, and onnxc does not run them either.
const DTYPES = {
  float32: { onnx: 1, npy: 'f4', size: 4, Array: Float32Array },
  uint8: { onnx: 2, npy: 'u1', size: 1, Array: Uint8Array },
  int8: { onnx: 3, npy: 'i1', size: 1, Array: Int8Array },
  uint16: { onnx: 4, npy: 'u2', size: 2, Array: Uint16Array },
  int16: { onnx: 5, npy: 'i2', size: 2, Array: Int16Array },
  int32: { onnx: 6, npy: 'i4', size: 4, Array: Int32Array },
  int64: { onnx: 7, npy: 'i8', size: 8, Array: BigInt64Array },
  bool: { onnx: 9, npy: 'b1', size: 1, Array: Uint8Array },
  float64: { onnx: 11, npy: 'f8', size: 8, Array: Float64Array },
  uint32: { onnx: 12, npy: 'u4', size: 4, Array: Uint32Array },
  uint64: { onnx: 13, npy: 'u8', size: 8, Array: BigUint64Array },
};

class TensorError extends Error {}

function dtypeInfo(type) {
  const info = DTYPES[type];
  if (!info) throw new TensorError(`unsupported element type ${type}`);
  return info;
}

function typeFromOnnx(code) {
  const type = Object.keys(DTYPES).find((t) => DTYPES[t].onnx === code);
  if (!type) throw new TensorError(`unsupported TensorProto data_type ${code}`);
  return type;
}

function typeFromNpy(code) {
  const type = Object.keys(DTYPES).find((t) => DTYPES[t].npy === code);
  if (!type) throw new TensorError(`unsupported .npy dtype ${code}`);
  return type;
}

function elementCount(dims) {
  return dims.reduce((n, d) => n * d, 1);
}

function isFloatType(type) {
  return type === 'float32' || type === 'float64';
}

function isBigIntType(type) {
  return type === 'int64' || type === 'uint64';
}

// Copies bytes[start, end) into a fresh typed array: a slice of a file
// buffer need not be aligned for a Float64Array view.
function arrayFromBytes(type, bytes, start, end) {
  const { Array: Ctor, size } = dtypeInfo(type);
  if ((end - start) % size !== 0) {
    throw new TensorError(`${end - start} bytes is not a whole number of ${type} values`);
  }
  const out = new Ctor((end - start) / size);
  new Uint8Array(out.buffer).set(bytes.subarray(start, end));
  return out;
}

function bytesOf(data) {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function makeTensor(name, type, dims, data) {
  if (data.length !== elementCount(dims)) {
    throw new TensorError(`shape [${dims}] needs ${elementCount(dims)} values, got ${data.length}`);
  }
  return { name, type, dims, data };
}

function formatShape(dims) {
  return `[${dims.join(',')}]`;
}

module.exports = {
  DTYPES, TensorError, dtypeInfo, typeFromOnnx, typeFromNpy, elementCount, isFloatType,
  isBigIntType, arrayFromBytes, bytesOf, makeTensor, formatShape,
};
