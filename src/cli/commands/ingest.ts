import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'
import type { SeriesId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { ingestObservations } from '../../observe/ingest.ts'
import { parseObservationCsv } from '../../observe/observation-csv.ts'
import { DEFAULT_QC_CONFIG } from '../../observe/quality-control.ts'
import type { Series } from '../../observe/types.ts'
import { openStore, resolveDatabaseUrl } from '../../store/index.ts'
import { guard } from '../errors.ts'

/**
 * `freshet ingest FILE.csv [--atomic]`: observations from a CSV file (`series,t,value,unit`,
 * or wide `t,<series>…`) into the database named by FRESHET_DB, with quality control. Prints
 * one JSON summary; rejected rows are listed on standard error with their line and reason.
 */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('load observations from a CSV file into the database (FRESHET_DB)')
    .argument('<file>', 'CSV: series,t,value,unit (or t,<series>… wide)')
    .option('--atomic', 'store nothing unless every row is valid')
    .option('--max-rows <n>', 'largest number of observations accepted', '10000000')
    .action((file: string, opts: { atomic?: boolean; maxRows: string }) =>
      guard(async () => {
        let text: string
        try {
          text = readFileSync(file, 'utf8')
        } catch (e) {
          throw new InputError(
            `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          )
        }
        const maxRows = Number(opts.maxRows)
        if (!Number.isInteger(maxRows) || maxRows < 1)
          throw new InputError(`--max-rows must be a positive integer, got "${opts.maxRows}"`)
        const store = await openStore(resolveDatabaseUrl(process.env))
        try {
          const lookup = new Map<SeriesId, Series>(
            (await store.series.list()).map((s) => [s.id, s]),
          )
          const parsed = parseObservationCsv(text, lookup, { source: file, maxRows })
          if (!parsed.ok)
            throw new InputError(parsed.issues.slice(0, 5).map(formatIssue).join('; '))
          const batch = parsed.value
          const mode = opts.atomic === true ? 'atomic' : 'partial'
          if (mode === 'atomic' && batch.rejected.length > 0) {
            const r = batch.rejected[0]!
            throw new InputError(
              `${file}:${r.line ?? r.index}: ${r.reason} (${batch.rejected.length} rows rejected; --atomic stores nothing)`,
            )
          }
          const outcome = await ingestObservations(
            store.observations,
            lookup,
            batch,
            mode,
            DEFAULT_QC_CONFIG,
            Date.now() as EpochMs,
          )
          for (const r of outcome.rejected)
            process.stderr.write(`${file}:${r.line ?? r.index}: rejected: ${r.reason}\n`)
          process.stdout.write(
            JSON.stringify({
              inserted: outcome.inserted,
              revised: outcome.revised,
              unchanged: outcome.unchanged,
              rejected: outcome.rejected.length,
              flagged: outcome.flagged.length,
            }) + '\n',
          )
          if (outcome.rejected.length > 0) process.exitCode = 2
        } finally {
          await store.close()
        }
      }),
    )
}
