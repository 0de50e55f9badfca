import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { calibrate } from '../../hydro/calibrate/calibrate.ts'
import { allCriteria } from '../../hydro/criteria/efficiency.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import { asciiChart } from '../ascii-chart.ts'
import { guard } from '../errors.ts'
import { loadModelRun } from '../model-run-file.ts'
import { progressBar } from '../progress.ts'

const DEMO_SPEC = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'data',
  'demo',
  'blue-river-gr4j.json',
)

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a')

/**
 * `freshet demo`: the forecasting core on the demo basin. Calibrates GR4J on 1990–1999,
 * checks the parameters on 2000–2009 (a period the calibration never saw), prints the criteria
 * and draws the largest flood of the check period.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('calibrate and run GR4J on the demo basin and show how well it does')
    .option('--spec <file>', 'another model-run file to use', DEMO_SPEC)
    .action((opts: { spec: string }) =>
      guard(() => {
        const out = (s = ''): boolean => process.stdout.write(s + '\n')
        const run = loadModelRun(opts.spec)
        const area = run.areaKm2 !== undefined ? `, ${run.areaKm2} km²` : ''
        out(`Freshet: ${run.model.name} on basin ${run.basinLabel}${area}`)
        out(`calibration period ${run.spec.run.start}..${run.spec.run.end}, criterion KGE`)
        const bar = progressBar('calibrating', true)
        const t0 = performance.now()
        const cal = calibrate(
          run.model,
          run.forcing,
          { warmupStart: run.warmup[0], start: run.run[0], end: run.run[1] },
          run.observed,
          {
            criterion: 'KGE',
            seed: 1,
            levels: run.levels,
            onProgress: (d, t, best) => bar.update(d, t, `KGE ${best.toFixed(4)}`),
          },
        )
        const seconds = (performance.now() - t0) / 1000
        bar.stop()
        const names = run.model.paramNames
        out(
          `parameters: ${names.map((n, i) => `${n}=${cal.params[i]!.toPrecision(6)}`).join('  ')}`,
        )
        out(`${cal.evaluations} model runs in ${seconds.toFixed(3)} s`)

        // Check period: the years after calibration, continuing warm from the calibration run.
        const n = run.forcing.precip.length
        const checkStart = run.run[1]
        const checkEnd = Math.min(n, checkStart + 3653)
        const calRun = runModel(
          run.model,
          cal.params,
          run.forcing,
          { warmupStart: run.warmup[0], start: run.run[0], end: run.run[1] },
          { levels: run.levels },
        )
        const check = runModel(
          run.model,
          cal.params,
          run.forcing,
          { start: checkStart, end: checkEnd },
          { state: calRun.state },
        )
        const q = run.table.columns.get('q_mm')!
        const obsCheck = q.slice(checkStart, checkEnd)
        const c1 = allCriteria(calRun.qsim, run.observed)
        const c2 = allCriteria(check.qsim, obsCheck)
        out('')
        const d = run.table.dates
        const row = (cells: readonly string[]): boolean =>
          out(
            cells
              .map((c, i) => (i === 0 ? c.padEnd(13) : i === 1 ? c.padEnd(24) : c.padStart(8)))
              .join(''),
          )
        row(['period', 'dates', 'NSE', 'KGE', 'KGE2', 'RMSE'])
        row([
          'calibration',
          `${d[run.run[0]]}..${d[run.run[1] - 1]}`,
          fmt(c1.NSE),
          fmt(c1.KGE),
          fmt(c1.KGE2),
          fmt(c1.RMSE),
        ])
        row([
          'check',
          `${d[checkStart]}..${d[checkEnd - 1]}`,
          fmt(c2.NSE),
          fmt(c2.KGE),
          fmt(c2.KGE2),
          fmt(c2.RMSE),
        ])
        out('NSE, KGE and KGE2 are 1 for a perfect fit; RMSE is in mm/day.')

        // The largest observed flood of the check period, 20 days before to 40 after its peak.
        let peak = 0
        for (let i = 1; i < obsCheck.length; i++) {
          if (!(obsCheck[i]! <= obsCheck[peak]!) && Number.isFinite(obsCheck[i])) peak = i
        }
        const a = Math.max(0, peak - 20)
        const b = Math.min(obsCheck.length, peak + 40)
        out('')
        out(`largest flood of the check period, peak on ${d[checkStart + peak]}:`)
        out(
          asciiChart(
            [
              { label: 'observed', symbol: '·', values: obsCheck.subarray(a, b) },
              { label: 'simulated', symbol: '*', values: check.qsim.subarray(a, b) },
            ],
            d.slice(checkStart + a, checkStart + b),
            'mm/day',
          ),
        )
      }),
    )
}
