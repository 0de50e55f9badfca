/**
 * One entry point for a CAP document from outside: screening, the official schema, the reader
 * and the profile checks, with every problem reported.
 */
import type { Issue } from '../../core/result.ts'
import type { CapAlert } from './model.ts'
import type { CapProfileMode } from './profile.ts'
import { checkCapProfile } from './profile.ts'
import { readCap } from './read.ts'
import type { XmlIntakeOptions } from './xml-input.ts'
import { screenXml } from './xml-input.ts'
import type { CapXsdValidator } from './xsd.ts'

/** The verdict on one CAP document. */
export interface CapValidation {
  readonly valid: boolean
  /** The alert, when it could be read. */
  readonly alert?: CapAlert
  /** Schema problems (path `line N`), reader problems and profile errors. */
  readonly errors: readonly Issue[]
  readonly warnings: readonly Issue[]
}

/** Options of {@link validateCapDocument}. */
export interface ValidateCapOptions extends XmlIntakeOptions {
  /** Profile to apply; default `receive` (profile-checks section A). */
  readonly mode?: CapProfileMode
}

/**
 * Validates a CAP 1.2 document (text or bytes): refuses DOCTYPE/entities/XInclude and oversized
 * input, validates against the schema, reads it and checks the profile.
 * @returns valid only when no check found an error.
 */
export function validateCapDocument(
  input: string | Uint8Array,
  xsd: CapXsdValidator,
  options: ValidateCapOptions = {},
): CapValidation {
  const screened = screenXml(input, options)
  if (!screened.ok) return { valid: false, errors: screened.issues, warnings: [] }
  const errors: Issue[] = [...xsd.validate(screened.value, options)]
  const read = readCap(screened.value, options)
  if (!read.ok) return { valid: false, errors: [...errors, ...read.issues], warnings: [] }
  const profile = checkCapProfile(read.value, options.mode ?? 'receive')
  errors.push(...profile.errors)
  return { valid: errors.length === 0, alert: read.value, errors, warnings: profile.warnings }
}
