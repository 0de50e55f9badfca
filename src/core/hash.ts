/**
 * A fast non-cryptographic 128-bit hash of a string, for identifiers derived from longer keys
 * (an outbox message id from its idempotency key, say) that must be short and URL-safe. Not
 * for secrets or signatures: use an HMAC for those.
 *
 * Four 32-bit lanes, each an FNV-1a over the UTF-16 code units with its own prime and offset,
 * crossed with each other at the end and passed through the 32-bit finaliser of MurmurHash3
 * (Appleby), so that every input bit reaches every output bit.
 */

const fmix32 = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** 32 lowercase hex digits: the 128-bit hash of `text` (see the file comment). */
export function hash128Hex(text: string): string {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  let c = 0x1b873593
  let d = 0x7fb5d329
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i)
    a = Math.imul(a ^ u, 0x01000193)
    b = Math.imul(b ^ u, 0x0100019d)
    c = Math.imul(c ^ u, 0x010001a9)
    d = Math.imul(d ^ u, 0x010001c7)
  }
  const n = text.length
  a = fmix32((a ^ n) + Math.imul(b, 3))
  b = fmix32(b ^ a ^ Math.imul(c, 5))
  c = fmix32(c ^ b ^ Math.imul(d, 7))
  d = fmix32(d ^ c ^ a)
  a = fmix32(a ^ d)
  return [a, b, c, d].map((x) => x.toString(16).padStart(8, '0')).join('')
}
