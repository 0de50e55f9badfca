/** HMAC-SHA256 signing (node:crypto), for webhook bodies and acknowledgment tokens. */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Signer } from '../notify/ports.ts'

/** The lowercase hex HMAC-SHA256 of `data` (UTF-8) under `secret`. */
export function hmacSha256Hex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex')
}

/**
 * A {@link Signer} over HMAC-SHA256 with a server secret; verification in constant time.
 * @throws Error when the secret is shorter than 16 characters (a configuration error)
 */
export function hmacSigner(secret: string): Signer {
  if (secret.length < 16) throw new Error('an HMAC secret needs at least 16 characters')
  return {
    sign: (data) => hmacSha256Hex(secret, data),
    verify(data, signature) {
      const want = Buffer.from(hmacSha256Hex(secret, data), 'hex')
      const got = Buffer.from(signature, 'hex')
      return got.length === want.length && timingSafeEqual(got, want)
    },
  }
}
