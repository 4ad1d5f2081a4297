'use strict';
// The ModelProto fields onnxc-validate needs before handing the model to
// onnxruntime: which ai.onnx opset it imports. onnxruntime refuses opsets
// below 7 with a message about a missing kernel; saying so up front is
// clearer.

const { Reader, WIRE_BYTES } = require('./protobuf');

const MODEL_OPSET_IMPORT = 8;   // ModelProto.opset_import
const OPSET_DOMAIN = 1;         // OperatorSetIdProto.domain
const OPSET_VERSION = 2;        // OperatorSetIdProto.version

function readOpsetId(r, range) {
  const id = { domain: '', version: 0 };
  r.sub(range).forEach((f) => {
    if (f.number === OPSET_DOMAIN && f.wire === WIRE_BYTES) id.domain = r.string(f.value);
    if (f.number === OPSET_VERSION) id.version = Number(f.value);
  });
  return id;
}

// Returns the ai.onnx opset version, or null when the model imports none.
// Throws a WireError when the bytes are not a protobuf message.
function onnxOpset(bytes) {
  const r = new Reader(bytes);
  let version = null;
  r.forEach((f) => {
    if (f.number !== MODEL_OPSET_IMPORT || f.wire !== WIRE_BYTES) return;
    const id = readOpsetId(r, f.value);
    if (id.domain === '' || id.domain === 'ai.onnx') version = id.version;
  });
  return version;
}

module.exports = { onnxOpset };
