'use strict';
// The protobuf wire format, just enough for TensorProto and the few
// ModelProto fields onnxc-validate looks at. A full protobuf library would
// be one more npm dependency for the oracle; the wire format is small.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

class WireError extends Error {}

// Walks the fields of one message held in a Uint8Array.
class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  done() {
    return this.pos >= this.end;
  }

  // Varints are read as BigInt: int64 fields (dims, int64_data) may use all
  // ten bytes, which a double cannot hold exactly.
  varintBig() {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.bytes[this.pos++];
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  // A varint that must fit a JavaScript number (lengths, enums, tags).
  varint() {
    const v = this.varintBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('varint too large');
    return Number(v);
  }

  // The [start, end) range of a length-delimited field's payload.
  lengthDelimited() {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new WireError('field runs past the end');
    this.pos += len;
    return [start, start + len];
  }

  fixed(size) {
    if (this.pos + size > this.end) throw new WireError('truncated fixed-size field');
    const start = this.pos;
    this.pos += size;
    return [start, start + size];
  }

  // Next field as {number, wire, value}: value is a BigInt for varints and
  // a [start, end) range for every other wire type.
  field() {
    const tag = this.varint();
    const number = Math.floor(tag / 8);
    const wire = tag & 7;
    if (number === 0) throw new WireError('field number 0');
    switch (wire) {
      case WIRE_VARINT: return { number, wire, value: this.varintBig() };
      case WIRE_FIXED64: return { number, wire, value: this.fixed(8) };
      case WIRE_BYTES: return { number, wire, value: this.lengthDelimited() };
      case WIRE_FIXED32: return { number, wire, value: this.fixed(4) };
      default: throw new WireError(`unsupported wire type ${wire}`);
    }
  }

  // Calls fn(field) for every field of the message.
  forEach(fn) {
    while (!this.done()) fn(this.field());
  }

  sub([start, end]) {
    return new Reader(this.bytes, start, end);
  }

  string([start, end]) {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
  }
}

// Appends encoded fields; `finish()` returns the message bytes.
class Writer {
  constructor() {
    this.chunks = [];
  }

  rawVarint(value) {
    let v = BigInt.asUintN(64, BigInt(value));  // negatives as two's complement
    const out = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      out.push(b);
    } while (v !== 0n);
    this.chunks.push(Buffer.from(out));
  }

  tag(number, wire) {
    this.rawVarint(number * 8 + wire);
  }

  varintField(number, value) {
    this.tag(number, WIRE_VARINT);
    this.rawVarint(value);
  }

  bytesField(number, bytes) {
    this.tag(number, WIRE_BYTES);
    this.rawVarint(bytes.length);
    this.chunks.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  stringField(number, text) {
    this.bytesField(number, Buffer.from(text, 'utf8'));
  }

  finish() {
    return Buffer.concat(this.chunks);
  }
}

module.exports = { Reader, Writer, WireError, WIRE_VARINT, WIRE_FIXED64, WIRE_BYTES, WIRE_FIXED32 };
