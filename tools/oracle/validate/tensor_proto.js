'use strict';
// ONNX TensorProto files (the .pb files of the ONNX test data), read and
// written with the wire-format helpers in protobuf.js.
//
// Field numbers, from onnx.proto:
const F_DIMS = 1;
const F_DATA_TYPE = 2;
const F_SEGMENT = 3;
const F_FLOAT_DATA = 4;
const F_INT32_DATA = 5;
const F_STRING_DATA = 6;
const F_INT64_DATA = 7;
const F_NAME = 8;
const F_RAW_DATA = 9;
const F_DOUBLE_DATA = 10;
const F_UINT64_DATA = 11;
const F_DATA_LOCATION = 14;

const { Reader, Writer, WireError, WIRE_BYTES, WIRE_VARINT } = require('./protobuf');
const T = require('./tensor');

// Repeated numeric fields are packed by the ONNX schema, but a proto2
// reader must also accept them unpacked, one value per field.
function readVarints(r, f, out) {
  if (f.wire === WIRE_VARINT) {
    out.push(f.value);
    return;
  }
  if (f.wire !== WIRE_BYTES) throw new WireError(`field ${f.number}: unexpected wire type`);
  const packed = r.sub(f.value);
  while (!packed.done()) out.push(packed.varintBig());
}

// float_data and double_data: fixed-size little-endian values, packed
// (one range holding many) or not (one range per value).
function readFixed(r, f, size, out) {
  const [start, end] = range(f);
  if ((end - start) % size !== 0) throw new WireError(`field ${f.number}: ragged packed data`);
  const view = new DataView(r.bytes.buffer, r.bytes.byteOffset + start, end - start);
  for (let off = 0; off < end - start; off += size) {
    out.push(size === 4 ? view.getFloat32(off, true) : view.getFloat64(off, true));
  }
}

// Which typed field holds the values of each element type, and how a
// decoded varint (a BigInt) becomes an element.
function typedFieldFor(type) {
  switch (type) {
    case 'float32': return F_FLOAT_DATA;
    case 'float64': return F_DOUBLE_DATA;
    case 'int64': return F_INT64_DATA;
    case 'uint32': case 'uint64': return F_UINT64_DATA;
    default: return F_INT32_DATA;  // int32 and the narrower integer types
  }
}

function convertVarint(type, v) {
  switch (type) {
    case 'int64': return BigInt.asIntN(64, v);
    case 'uint64': return v;
    case 'uint32': return Number(BigInt.asUintN(32, v));
    default: return Number(BigInt.asIntN(32, v));  // int32_data is int32
  }
}

// The payload range of a field that must not be a varint; a varint in
// its place means the bytes are not a TensorProto.
function range(f) {
  if (f.wire === WIRE_VARINT) throw new WireError(`field ${f.number}: unexpected wire type`);
  return f.value;
}

function varint(f) {
  if (f.wire !== WIRE_VARINT) throw new WireError(`field ${f.number}: unexpected wire type`);
  return f.value;
}

function collectFields(bytes) {
  const r = new Reader(bytes);
  const msg = { dims: [], dataType: 0, name: '', raw: null, values: {} };
  const values = (n) => (msg.values[n] = msg.values[n] || []);
  r.forEach((f) => {
    switch (f.number) {
      case F_DIMS: readVarints(r, f, msg.dims); break;
      case F_DATA_TYPE: msg.dataType = Number(varint(f)); break;
      case F_NAME: msg.name = r.string(range(f)); break;
      case F_RAW_DATA: msg.raw = range(f); break;
      case F_FLOAT_DATA: readFixed(r, f, 4, values(f.number)); break;
      case F_DOUBLE_DATA: readFixed(r, f, 8, values(f.number)); break;
      case F_INT32_DATA: case F_INT64_DATA: case F_UINT64_DATA:
        readVarints(r, f, values(f.number)); break;
      case F_SEGMENT: throw new T.TensorError('segmented tensors are not supported');
      case F_STRING_DATA: throw new T.TensorError('string tensors are not supported');
      case F_DATA_LOCATION:
        if (varint(f) !== 0n) throw new T.TensorError('tensors with external data are not supported');
        break;
      default: break;  // doc_string and other fields do not affect the values
    }
  });
  return msg;
}

// Decodes a serialized TensorProto into {name, type, dims, data}.
function decodeTensorProto(bytes) {
  const msg = collectFields(bytes);
  const type = T.typeFromOnnx(msg.dataType);
  const dims = msg.dims.map((d) => {
    const n = BigInt.asIntN(64, d);
    if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new T.TensorError(`bad dimension ${n}`);
    return Number(n);
  });
  let data;
  if (msg.raw) {
    data = T.arrayFromBytes(type, bytes, msg.raw[0], msg.raw[1]);
  } else {
    const field = typedFieldFor(type);
    const values = msg.values[field] || [];
    const convert = T.isFloatType(type) ? (v) => v : (v) => convertVarint(type, v);
    data = T.dtypeInfo(type).Array.from(values, convert);
  }
  return T.makeTensor(msg.name, type, dims, data);
}

// Encodes a tensor as a TensorProto with raw_data, the form onnx's
// numpy_helper writes and every reader accepts.
function encodeTensorProto(tensor) {
  const w = new Writer();
  for (const d of tensor.dims) w.varintField(F_DIMS, d);
  w.varintField(F_DATA_TYPE, T.dtypeInfo(tensor.type).onnx);
  if (tensor.name) w.stringField(F_NAME, tensor.name);
  w.bytesField(F_RAW_DATA, T.bytesOf(tensor.data));
  return w.finish();
}

module.exports = { decodeTensorProto, encodeTensorProto };
