/**
 * Safe intake of XML from outside (profile-checks A15): a size limit, decoding by the declared
 * encoding, and refusal of anything that could make a parser expand entities or fetch: DOCTYPE,
 * DTD declarations, entity declarations, XInclude. Nothing here parses or resolves anything.
 */
import type { Issue } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import type { Result } from '../../core/result.ts'

/** Default largest accepted document, in bytes (1 MiB). */
export const DEFAULT_MAX_BYTES = 1024 * 1024

/** Options of the XML intake. */
export interface XmlIntakeOptions {
  /** Largest accepted document in bytes; default {@link DEFAULT_MAX_BYTES}. */
  readonly maxBytes?: number
}

const FORBIDDEN: readonly [RegExp, string][] = [
  [/<!\s*DOCTYPE/i, 'DOCTYPE declarations are refused'],
  [/<!\s*ENTITY/i, 'entity declarations are refused'],
  [/<!\s*(ELEMENT|ATTLIST|NOTATION)/i, 'DTD declarations are refused'],
  [/http:\/\/www\.w3\.org\/2001\/XInclude/i, 'XInclude is refused'],
]

function declaredEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200))
  const m =
    /^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)
  return m?.[1]?.toLowerCase() ?? 'utf-8'
}

/**
 * Checks the size of `input`, decodes it (bytes by their BOM or XML declaration, default UTF-8)
 * and refuses DOCTYPE, DTD and entity declarations and XInclude before any parser sees it.
 * @returns the document text, or the reasons it is refused (path `document`).
 */
export function screenXml(
  input: string | Uint8Array,
  options: XmlIntakeOptions = {},
): Result<string> {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES
  const size = typeof input === 'string' ? new TextEncoder().encode(input).length : input.length
  const at = (message: string): Issue => ({ path: ['document'], message })
  if (size > max) return fail([at(`document too large: ${size} bytes (limit ${max})`)])
  let text: string
  if (typeof input === 'string') {
    text = input.replace(/^\uFEFF/, '')
  } else {
    const enc = declaredEncoding(input)
    try {
      text = new TextDecoder(enc, { fatal: true }).decode(input)
    } catch {
      return fail([at(`cannot decode the document as ${enc}`)])
    }
  }
  const issues = FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => at(why))
  return issues.length > 0 ? fail(issues) : ok(text)
}
