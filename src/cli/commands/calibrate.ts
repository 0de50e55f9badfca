import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { calibrate } from '../../hydro/calibrate/calibrate.ts'
import { CRITERION_NAMES, type CriterionName } from '../../hydro/criteria/efficiency.ts'
import { guard } from '../errors.ts'
import { loadModelRun } from '../model-run-file.ts'
import { progressBar } from '../progress.ts'

/** `freshet calibrate SPEC.json --criterion KGE|NSE|KGE2 [--out PARAMS.json] [--seed N]`. */
export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('calibrate a model over the run period of a model-run file')
    .argument('<spec>', 'model-run file (JSON); its params, if any, are ignored')
    .requiredOption('--criterion <name>', 'criterion to maximise: KGE, NSE or KGE2')
    .option('--out <file>', 'also write the parameters as JSON, usable as `params`')
    .option('--seed <n>', 'seed of the search (same seed, same result)', '1')
    .action((specPath: string, opts: { criterion: string; out?: string; seed: string }) =>
      guard(() => {
        const criterion = opts.criterion.toUpperCase()
        if (
          !(['KGE', 'NSE', 'KGE2'] as string[]).includes(criterion) ||
          !CRITERION_NAMES.includes(criterion as CriterionName)
        ) {
          throw new InputError(`--criterion must be KGE, NSE or KGE2, got "${opts.criterion}"`)
        }
        const seed = Number(opts.seed)
        if (!Number.isInteger(seed))
          throw new InputError(`--seed must be an integer, got "${opts.seed}"`)
        const run = loadModelRun(specPath)
        if (!run.hasObserved)
          throw new InputError(
            `${run.spec.forcing}: missing column "q_mm" (observed flow) needed to calibrate`,
          )
        let nObs = 0
        for (const v of run.observed) if (Number.isFinite(v)) nObs++
        if (nObs < 2)
          throw new InputError(
            `${run.spec.forcing}: fewer than two observed flows in the run period`,
          )
        const bar = progressBar(`calibrating ${run.model.name}`)
        const result = calibrate(
          run.model,
          run.forcing,
          { warmupStart: run.warmup[0], start: run.run[0], end: run.run[1] },
          run.observed,
          {
            criterion: criterion as CriterionName,
            seed,
            levels: run.levels,
            onProgress: (done, total, best) =>
              bar.update(done, total, `${criterion} ${best.toFixed(4)}`),
          },
        )
        bar.stop()
        const params: Record<string, number> = {}
        run.model.paramNames.forEach((n, i) => (params[n] = result.params[i]!))
        const out = { params, criterion, value: result.value, evaluations: result.evaluations }
        if (opts.out !== undefined) {
          try {
            writeFileSync(opts.out, JSON.stringify(params, null, 2) + '\n')
          } catch (e) {
            throw new InputError(
              `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
            )
          }
        }
        process.stdout.write(JSON.stringify(out) + '\n')
      }),
    )
}
