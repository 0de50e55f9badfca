import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { numbersJson, seriesCsv } from '../csv-out.ts'
import { guard } from '../errors.ts'
import { loadModelRun, paramVector } from '../model-run-file.ts'
import { runCriteria, simulate } from '../simulate.ts'

/** `freshet run SPEC.json [--out FILE.csv] [--all]` (docs/run-spec.md). */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a model over the periods of a model-run file and write its series as CSV')
    .argument('<spec>', 'model-run file (JSON)')
    .option('--out <file>', 'write the CSV there and print the criteria as JSON')
    .option('--all', 'write every internal flux and store, not only Qsim')
    .action((specPath: string, opts: { out?: string; all?: boolean }) =>
      guard(() => {
        const run = loadModelRun(specPath)
        const params = paramVector(run, specPath, run.spec.params)
        const all = opts.all === true
        const sim = simulate(run, params, all)
        const dates = run.table.dates.slice(run.run[0], run.run[1])
        const columns: [string, Float64Array][] = all
          ? [...sim.series.entries()]
          : [['Qsim', sim.qsim]]
        const csv = seriesCsv(dates, columns)
        if (opts.out === undefined) {
          process.stdout.write(csv)
          return
        }
        try {
          writeFileSync(opts.out, csv)
        } catch (e) {
          throw new InputError(
            `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          )
        }
        process.stdout.write(numbersJson(runCriteria(run, sim.qsim)) + '\n')
      }),
    )
}
