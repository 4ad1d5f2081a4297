'use strict';
// npy.js - read and write NumPy .npy files (format 1.0 to 3.0), only what the
// differential suite exchanges: C-order, little-endian float16 / float32 /
// float64, int8..int64, uint8..uint64 and bool.
// Written here rather than pulled from npm so the suite has no dependency
// beyond onnxruntime-node itself.

const fs = require('fs');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// dtype name (as onnxruntime-node spells it) <-> .npy descr. 64-bit integers
// are BigInt64Array / BigUint64Array, as onnxruntime-node wants them;
// float16 is its bits in a Uint16Array, as onnxruntime-node takes it
// where there is no Float16Array (halfValue decodes one).
const DESCR = {
  float16: '<f2', float32: '<f4', float64: '<f8', bool: '|b1',
  int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8',
};
const ARRAY = {
  float16: Uint16Array, float32: Float32Array, float64: Float64Array, bool: Uint8Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
};

function dtypeOfDescr(descr) {
  for (const [dtype, d] of Object.entries(DESCR)) {
    // '|' and '=' mean native order, which is little-endian on every host
    // the suite runs on (the runtime itself refuses big-endian builds).
    if (descr === d || descr === '=' + d.slice(1) || descr === '<' + d.slice(1)
      || descr === '|' + d.slice(1)) return dtype;
  }
  throw new Error(`unsupported .npy dtype '${descr}' `
    + '(float16/32/64, int8..64, uint8..64 and bool are)');
}

// The header is a Python dict literal; pick out the three keys with regular
// expressions instead of writing a Python parser.
function parseHeader(text, file) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape) throw new Error(`${file}: malformed .npy header`);
  if (order[1] === 'True') throw new Error(`${file}: Fortran-order .npy not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  return { dtype: dtypeOfDescr(descr[1]), dims };
}

// Returns { dtype, dims, data } with data a typed array (see ARRAY) that owns
// its memory (copied, so alignment of the file buffer does not matter).
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${file}: not a .npy file`);
  }
  const major = buf[6];
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = lenBytes === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes + headerLen;
  const { dtype, dims } = parseHeader(buf.toString('latin1', 8 + lenBytes, start), file);
  const count = dims.reduce((a, b) => a * b, 1);
  const Arr = ARRAY[dtype];
  const bytes = count * Arr.BYTES_PER_ELEMENT;
  if (buf.length - start !== bytes) {
    throw new Error(`${file}: ${buf.length - start} data bytes, shape needs ${bytes}`);
  }
  const data = new Arr(count);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + bytes));
  return { dtype, dims, data };
}

// Writes a version 1.0 .npy whose data starts on a 64-byte boundary, as
// NumPy itself does.
function writeNpy(file, dtype, dims, data) {
  const shape = dims.length === 1 ? `${dims[0]},` : dims.join(', ');
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': (${shape}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(dict, 'latin1'), body]));
}

// The value of the float16 whose bits are h.
function halfValue(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (e ? (1 + m / 1024) * 2 ** (e - 15) : m * 2 ** -24);
}

module.exports = { readNpy, writeNpy, halfValue };
