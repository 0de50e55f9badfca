import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { formatIssue } from '../../core/result.ts'
import { createCapXsdValidator } from '../../warn/cap/xsd.ts'
import { validateCapDocument } from '../../warn/cap/validate.ts'
import { DEFAULT_MAX_BYTES } from '../../warn/cap/xml-input.ts'
import { guard } from '../errors.ts'

/** The official CAP 1.2 schema shipped with Freshet (data/cap/CAP-v1.2.xsd). */
export const DEFAULT_CAP_XSD = fileURLToPath(
  new URL('../../../data/cap/CAP-v1.2.xsd', import.meta.url),
)

/** Reads the schema text for `createCapXsdValidator`; an unreadable file is the user's mistake. */
export function loadCapXsdText(path: string = DEFAULT_CAP_XSD): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new InputError(
      `cannot read schema ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    )
  }
}

interface ValidateOptions {
  readonly xsd?: string
  readonly maxBytes?: string
  readonly publish?: boolean
}

/**
 * `freshet cap validate FILE…`: one line per file, `FILE: valid` or `FILE: invalid: reason; …`
 * (or `FILE: unreadable: …`). Exit status 0 when every file is valid, 1 when some file is
 * invalid, 2 when a file cannot be read or the invocation is wrong (2 wins over 1).
 */
export function registerCap(program: Command): void {
  const cap = program.command('cap').description('CAP 1.2 alerts')
  cap
    .command('validate')
    .description('validate CAP 1.2 files against the official schema and the profile checks')
    .argument('<files...>', 'CAP XML files')
    .option('--xsd <file>', 'CAP 1.2 schema', DEFAULT_CAP_XSD)
    .option('--max-bytes <n>', 'largest accepted file in bytes', String(DEFAULT_MAX_BYTES))
    .option('--publish', 'also apply the publication profile (Google errors, language agreement)')
    .action((files: string[], opts: ValidateOptions) =>
      guard(() => {
        const maxBytes = Number(opts.maxBytes ?? DEFAULT_MAX_BYTES)
        if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
          throw new InputError(`--max-bytes must be a positive whole number, not ${opts.maxBytes}`)
        }
        const xsd = createCapXsdValidator(loadCapXsdText(opts.xsd))
        let status = 0
        try {
          for (const file of files) {
            let bytes: Uint8Array
            try {
              bytes = readFileSync(file)
            } catch (e) {
              const code = (e as NodeJS.ErrnoException).code ?? String(e)
              process.stdout.write(`${file}: unreadable: ${code}\n`)
              status = 2
              continue
            }
            const v = validateCapDocument(bytes, xsd, {
              maxBytes,
              mode: opts.publish === true ? 'publish' : 'receive',
            })
            if (v.valid) {
              process.stdout.write(`${file}: valid\n`)
            } else {
              const reasons = v.errors.map((i) => formatIssue(i).replace(/\s*\n\s*/g, ' '))
              process.stdout.write(`${file}: invalid: ${reasons.join('; ')}\n`)
              status = Math.max(status, 1)
            }
          }
        } finally {
          xsd.dispose()
        }
        process.exitCode = status
      }),
    )
}
