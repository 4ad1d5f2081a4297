'use strict';
// NumPy .npy files (format versions 1.0 to 3.0): C-order, little-endian
// arrays of the element types in tensor.js. The header is a Python dict
// literal; numpy writes it in one fixed layout, which the patterns below
// follow without being a general Python parser.

const T = require('./tensor');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);  // \x93NUMPY
const ALIGN = 64;  // numpy pads the header so the data starts aligned

function isNpy(bytes) {
  return bytes.length >= MAGIC.length && Buffer.compare(bytes.subarray(0, MAGIC.length), MAGIC) === 0;
}

// Returns the header text and where the array data starts.
function splitHeader(bytes) {
  const major = bytes[6];
  if (major < 1 || major > 3) throw new T.TensorError(`unsupported .npy version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw new T.TensorError('truncated .npy header');
  const len = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  if (start + len > bytes.length) throw new T.TensorError('truncated .npy header');
  const text = Buffer.from(bytes.subarray(start, start + len)).toString(major === 3 ? 'utf8' : 'latin1');
  return { text, dataStart: start + len };
}

function headerValue(text, key, pattern) {
  const m = text.match(new RegExp(`'${key}'\\s*:\\s*${pattern}`));
  if (!m) throw new T.TensorError(`.npy header has no ${key}`);
  return m[1];
}

// '<f4' -> float32. '|' (no byte order) and '=' (native, which is little-
// endian on every host onnxc supports) are accepted too.
function parseDescr(descr) {
  const order = descr[0];
  const code = descr.slice(1);
  if (order === '>' && !code.endsWith('1')) throw new T.TensorError(`big-endian .npy (${descr}) is not supported`);
  if (!'<>|='.includes(order)) throw new T.TensorError(`unsupported .npy dtype ${descr}`);
  return T.typeFromNpy(code);
}

function parseShape(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+L?$/.test(s)) throw new T.TensorError(`bad .npy shape entry '${s}'`);
    return parseInt(s, 10);
  });
}

// Parses a .npy file held in a Uint8Array into {name: '', type, dims, data}.
function readNpy(bytes) {
  if (!isNpy(bytes)) throw new T.TensorError('not a .npy file');
  const { text, dataStart } = splitHeader(bytes);
  const type = parseDescr(headerValue(text, 'descr', "'([^']*)'"));
  if (headerValue(text, 'fortran_order', '(True|False)') === 'True') {
    throw new T.TensorError('Fortran-order .npy is not supported');
  }
  const dims = parseShape(headerValue(text, 'shape', '\\(([^)]*)\\)'));
  const size = T.elementCount(dims) * T.dtypeInfo(type).size;
  if (bytes.length - dataStart < size) throw new T.TensorError('.npy data is shorter than its shape');
  return T.makeTensor('', type, dims, T.arrayFromBytes(type, bytes, dataStart, dataStart + size));
}

function descrOf(type) {
  const { npy, size } = T.dtypeInfo(type);
  return (size === 1 ? '|' : '<') + npy;
}

// Python's tuple syntax: (3,) for one dimension, () for a scalar.
function shapeLiteral(dims) {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

// Serializes a tensor as a version 1.0 .npy (2.0 if the header is huge).
function writeNpy(tensor) {
  let dict = `{'descr': '${descrOf(tensor.type)}', 'fortran_order': False, 'shape': ${shapeLiteral(tensor.dims)}, }`;
  const major = dict.length + 12 > 0xffff ? 2 : 1;
  const prefix = 8 + (major === 1 ? 2 : 4);
  const total = Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  MAGIC.copy(head, 0);
  head[6] = major;
  head[7] = 0;
  if (major === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), T.bytesOf(tensor.data)]);
}

module.exports = { isNpy, readNpy, writeNpy };
