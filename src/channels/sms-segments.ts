/**
 * SMS segment arithmetic (3GPP TS 23.038 alphabets, TS 23.040 concatenation): a text in the
 * GSM 7-bit default alphabet takes 160 septets in one SMS, or 153 per segment when
 * concatenated (the user-data header takes 7); characters of the extension table take two
 * septets (an escape and the character) and are never split across segments. Any other
 * text goes as UCS-2: 70 UTF-16 code units alone, 67 per concatenated segment, surrogate
 * pairs never split.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM7_EXTENSION = '\f^{}\\[~]|€'
const BASIC = new Set(GSM7_BASIC)
const EXTENSION = new Set(GSM7_EXTENSION)

/** The encoding an SMS text needs. */
export type SmsEncoding = 'gsm7' | 'ucs2'

/** Units per single message and per concatenated segment, by encoding. */
export const SMS_LIMITS = {
  gsm7: { single: 160, segment: 153 },
  ucs2: { single: 70, segment: 67 },
} as const

/** GSM 7-bit if every character is in the default alphabet or its extension, else UCS-2. */
export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return 'ucs2'
  return 'gsm7'
}

/** What a text costs. */
export interface SmsCount {
  readonly encoding: SmsEncoding
  /** Septets (GSM 7-bit) or UTF-16 code units (UCS-2). */
  readonly units: number
  /** Messages it is sent as (an empty text is one message). */
  readonly segments: number
}

/** Counts the units and segments of a text. */
export function countSms(text: string): SmsCount {
  const encoding = smsEncoding(text)
  const limits = SMS_LIMITS[encoding]
  let units = 0
  for (const ch of text) units += unitsOf(ch, encoding)
  if (units <= limits.single) return { encoding, units, segments: 1 }
  // Greedy packing: a character that does not fit whole starts the next segment.
  let segments = 1
  let used = 0
  for (const ch of text) {
    const u = unitsOf(ch, encoding)
    if (used + u > limits.segment) {
      segments++
      used = 0
    }
    used += u
  }
  return { encoding, units, segments }
}

function unitsOf(ch: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return ch.length
  return EXTENSION.has(ch) ? 2 : 1
}

/**
 * Cuts a text to at most `maxSegments` segments: unchanged when it fits, else the longest
 * prefix that ends on a word boundary (a hard cut inside the word when the first word alone
 * is too long), trailing space removed, with an ellipsis — `...` in GSM 7-bit (which has no
 * `…`, and adding one would force UCS-2), `…` in UCS-2.
 *
 * @param maxSegments ≥ 1
 * @throws Error when maxSegments < 1 (a programmer error)
 */
export function fitSms(text: string, maxSegments: number): string {
  if (!Number.isInteger(maxSegments) || maxSegments < 1) {
    throw new Error(`maxSegments must be a positive integer: ${maxSegments}`)
  }
  if (countSms(text).segments <= maxSegments) return text
  const ellipsis = smsEncoding(text) === 'gsm7' ? '...' : '…'
  const chars = Array.from(text)
  const fits = (k: number): boolean =>
    countSms(chars.slice(0, k).join('').trimEnd() + ellipsis).segments <= maxSegments
  // Segments grow monotonically with the prefix, so the longest fitting prefix is found by
  // bisection.
  let lo = 0
  let hi = chars.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  let k = lo
  if (!isSpace(chars[k])) {
    let j = k
    while (j > 0 && !isSpace(chars[j - 1])) j--
    if (j > 0) k = j
  }
  return chars.slice(0, k).join('').trimEnd() + ellipsis
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch)
}
