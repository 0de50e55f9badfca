/**
 * Validation against the official CAP 1.2 schema with libxml2 (libxml2-wasm). The schema text is
 * passed in (an adapter or the CLI reads `data/cap/CAP-v1.2.xsd`) and compiled once. libxml2 never
 * resolves anything: documents are screened first (no DOCTYPE, entities, XInclude), parsed with
 * external loading and network off, and every attempt to open an external resource is refused by
 * an input provider that opens nothing.
 */
import {
  ParseOption,
  XmlDocument,
  XmlLibError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm'
import type { Issue } from '../../core/result.ts'
import type { XmlIntakeOptions } from './xml-input.ts'
import { screenXml } from './xml-input.ts'

const SAFE_PARSE =
  ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NO_SYS_CATALOG

let denyAllRegistered = false
const refusedLoads: string[] = []

/** Makes libxml2 refuse to open any external resource (file, URL), remembering what was asked. */
function denyExternalLoads(): void {
  if (denyAllRegistered) return
  denyAllRegistered = true
  xmlRegisterInputProvider({
    match: (name) => {
      refusedLoads.push(name)
      return true
    },
    open: () => undefined,
    read: () => -1,
    close: () => true,
  })
}

/** A compiled CAP 1.2 schema. Dispose it when no longer needed (it holds WebAssembly memory). */
export interface CapXsdValidator {
  /**
   * Validates a CAP document (text, or bytes in their declared encoding) against the schema.
   * @returns every problem found (path `line N`), empty when the document is schema-valid.
   */
  validate(input: string | Uint8Array, options?: XmlIntakeOptions): Issue[]
  dispose(): void
}

function libxmlIssues(e: unknown): Issue[] {
  if (e instanceof XmlLibError && e.details.length > 0) {
    return e.details.map((d) => ({
      path: [`line ${d.line}`],
      message: d.message.trim(),
    }))
  }
  return [{ path: ['document'], message: e instanceof Error ? e.message.trim() : String(e) }]
}

/**
 * Compiles the CAP 1.2 XML Schema from its text (the official `CAP-v1.2.xsd`, unchanged).
 * @throws Error when the schema text does not compile.
 */
export function createCapXsdValidator(xsdText: string): CapXsdValidator {
  denyExternalLoads()
  const schemaDoc = XmlDocument.fromString(xsdText, { option: SAFE_PARSE })
  let validator: XsdValidator
  try {
    validator = XsdValidator.fromDoc(schemaDoc)
  } finally {
    schemaDoc.dispose()
  }
  return {
    validate(input, options = {}) {
      const screened = screenXml(input, options)
      if (!screened.ok) return [...screened.issues]
      const before = refusedLoads.length
      const issues: Issue[] = []
      let doc: XmlDocument | undefined
      try {
        // The decoded text, re-encoded as UTF-8, so libxml2 reads exactly what was screened.
        doc = XmlDocument.fromBuffer(new TextEncoder().encode(screened.value), {
          option: SAFE_PARSE,
          encoding: 'utf-8',
        })
      } catch (e) {
        issues.push(
          ...libxmlIssues(e).map((i) => ({ ...i, message: `not well-formed: ${i.message}` })),
        )
      }
      if (doc !== undefined) {
        try {
          validator.validate(doc)
        } catch (e) {
          issues.push(...libxmlIssues(e))
        } finally {
          doc.dispose()
        }
      }
      for (const name of refusedLoads.splice(before)) {
        issues.push({ path: ['document'], message: `refused to load external resource ${name}` })
      }
      return issues
    },
    dispose() {
      validator.dispose()
    },
  }
}
