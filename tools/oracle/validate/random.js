'use strict';
// Seeded random inputs, so a failing comparison can be reproduced with the
// same --seed. Math.random cannot be seeded.

const T = require('./tensor');

// xorshift32 (Marsaglia): small, fast, and plenty for test data.
function makeRng(seed) {
  // Spread the seed over the state bits; the state must never be zero.
  let state = (Math.imul(Number(seed) >>> 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  const uint32 = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    uint32,
    // Uniform in (0, 1): never 0, so log() below is finite.
    uniform: () => (uint32() + 0.5) / 4294967296,
  };
}

// Standard normal values (Box-Muller), like torch.randn: they exercise
// both sides of Relu and LeakyRelu.
function normal(rng) {
  return Math.sqrt(-2 * Math.log(rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
}

function randomValue(rng, type) {
  if (T.isFloatType(type)) return normal(rng);
  if (type === 'bool') return rng.uint32() & 1;
  const small = (rng.uint32() % 21) - 10;  // -10..10 fits every integer type
  const unsigned = type.startsWith('uint');
  const v = unsigned ? Math.abs(small) : small;
  return T.isBigIntType(type) ? BigInt(v) : v;
}

// Concrete dims for an input's declared shape: a symbolic (string) or
// unknown (negative) dimension becomes `batch`.
function concreteDims(shape, batch) {
  return shape.map((d) => (typeof d === 'number' && d >= 0 ? d : batch));
}

function randomTensor(rng, name, type, dims) {
  const Ctor = T.dtypeInfo(type).Array;
  const data = new Ctor(T.elementCount(dims));
  for (let i = 0; i < data.length; i++) data[i] = randomValue(rng, type);
  return T.makeTensor(name, type, dims, data);
}

module.exports = { makeRng, concreteDims, randomTensor };
