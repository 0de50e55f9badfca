import { afterAll, describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import { InputError } from '../core/errors.ts'
import { seededRng } from '../core/rng.ts'
import { runForecastCycle } from '../forecast/cycle/cycle.ts'
import { sequentialModelRunner } from '../forecast/cycle/memory-ports.ts'
import { HOUR_MS, syntheticNetwork } from '../forecast/cycle/synthetic-network.ts'
import type { ModelJob, ModelJobResult, ModelRunner } from '../forecast/ports.ts'
import { createModel } from '../hydro/models/registry.ts'
import { DEFAULT_INITIAL_LEVELS } from '../hydro/models/types.ts'
import { createInProcessRunner } from './in-process-runner.ts'
import { createWorkerRunner } from './worker-runner.ts'

const SEED = 20_250_613
const DAY_MS = 86_400_000

/** Members of seeded random forcing: rain (mm/step), PET (mm/step), temperature (°C). */
function series(rng: ReturnType<typeof seededRng>, n: number, kind: 'rain' | 'pet' | 'temp') {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (kind === 'rain') out[i] = rng.next() < 0.2 ? -3 * Math.log(1 - rng.next()) : 0
    else if (kind === 'pet') out[i] = 0.05 + 0.2 * rng.next()
    else out[i] = -8 + 14 * rng.next()
  }
  return out
}

const hypsometry = Float64Array.from({ length: 101 }, (_, i) => 300 + 15 * i)

/** A mix of jobs over every kind of model and input: shared and per-member PET, end states or not. */
function mixedJobs(seed: number): ModelJob[] {
  const rng = seededRng(seed)
  const job = (
    model: string,
    params: number[],
    options: ModelJob['options'],
    members: number,
    steps: number,
    opts: { sharedPet?: boolean; temp?: boolean; endStates?: boolean; longer?: number } = {},
  ): ModelJob => {
    const built = createModel(model, options)
    if (!built.ok) throw new Error(built.issues[0]!.message)
    const p = Float64Array.from(params)
    const len = steps + (opts.longer ?? 0)
    const times = Float64Array.from({ length: len }, (_, i) => Date.UTC(2023, 10, 1) + i * DAY_MS)
    return {
      model,
      options,
      params: p,
      state: built.value.initialState(p, DEFAULT_INITIAL_LEVELS),
      steps,
      precip: Array.from({ length: members }, () => series(rng, len, 'rain')),
      pet: Array.from({ length: opts.sharedPet === true ? 1 : members }, () =>
        series(rng, len, 'pet'),
      ),
      temp: opts.temp === true ? [series(rng, len, 'temp')] : null,
      times: opts.temp === true ? times : null,
      endStates: opts.endStates ?? false,
    }
  }
  const snow = {
    snow: { layers: 3, hysteresis: false, meanAnnualSolidPrecipMm: 250 },
    hypsometry,
  }
  const jobs: ModelJob[] = [
    job('GR4H', [350, -0.4, 90, 12.5], {}, 7, 120, { endStates: true }),
    job('GR4J', [257.2, 1.01, 88.2, 2.21], {}, 3, 60, { sharedPet: true, longer: 9 }),
    job('CemaNeigeGR4J', [300, 0.5, 80, 1.8, 0.6, 3.1], snow, 4, 90, {
      temp: true,
      endStates: true,
    }),
    job('GR5H', [300, -0.2, 70, 6, 0.3], { interception: { imaxMm: 2.5 } }, 2, 48, {
      endStates: true,
    }),
  ]
  for (let k = 0; k < 13; k++)
    jobs.push(
      job(
        'GR4H',
        [100 + 900 * rng.next(), -1 + rng.next(), 20 + 300 * rng.next(), 1 + 39 * rng.next()],
        {},
        1 + (k % 6),
        24 + 7 * k,
        {
          endStates: k % 2 === 0,
        },
      ),
    )
  return jobs
}

/** Copies results into plain arrays so that equality is checked value by value (bit for bit). */
const plain = (results: ModelJobResult[]) =>
  results.map((r) => ({
    flows: r.flows.map((f) => [...f]),
    states: r.states === null ? null : r.states.map((s) => [...s]),
  }))

const workers1 = createWorkerRunner({ threads: 1 })
const workers2 = createWorkerRunner({ threads: 2, tasksPerThread: 3 })
afterAll(async () => {
  await workers1.close()
  await workers2.close()
})

const runners: [string, () => ModelRunner][] = [
  ['in-process', () => createInProcessRunner()],
  ['1 worker thread', () => workers1],
  ['2 worker threads', () => workers2],
]

describe.each(runners)('ModelRunner contract: %s', (_name, make) => {
  it('runs every member from the job state, as runModel does, to the bit', async () => {
    const jobs = mixedJobs(SEED)
    const got = await make().runEnsembles(jobs)
    const ref = await sequentialModelRunner.runEnsembles(jobs)
    expect(got).toHaveLength(jobs.length)
    expect(plain(got)).toEqual(plain(ref))
    got.forEach((r, j) => {
      expect(r.flows).toHaveLength(jobs[j]!.precip.length)
      expect(r.states === null).toBe(!jobs[j]!.endStates)
    })
  })

  it('leaves the inputs alone and hands out arrays the caller may change', async () => {
    const jobs = mixedJobs(SEED + 1)
    const copies = jobs.map((j) => ({ state: [...j.state], precip0: [...j.precip[0]!] }))
    const runner = make()
    const first = await runner.runEnsembles(jobs)
    jobs.forEach((j, k) => {
      expect([...j.state]).toEqual(copies[k]!.state)
      expect([...j.precip[0]!]).toEqual(copies[k]!.precip0)
    })
    const snapshot = plain(first)
    first[0]!.flows[0]!.fill(-1)
    const second = await runner.runEnsembles(jobs)
    expect(plain(second)).toEqual(snapshot)
    expect(first[0]!.flows[0]![0]).toBe(-1)
  })

  it('keeps concurrent calls apart', async () => {
    const runner = make()
    const a = mixedJobs(SEED + 2)
    const b = mixedJobs(SEED + 3)
    const [ra, rb] = await Promise.all([runner.runEnsembles(a), runner.runEnsembles(b)])
    expect(plain(ra)).toEqual(plain(await sequentialModelRunner.runEnsembles(a)))
    expect(plain(rb)).toEqual(plain(await sequentialModelRunner.runEnsembles(b)))
  })

  it('answers an empty call with no results', async () => {
    expect(await make().runEnsembles([])).toEqual([])
  })

  it('rejects malformed jobs with an InputError naming the job', async () => {
    const good = mixedJobs(SEED)[0]!
    const runner = make()
    const cases: [Partial<ModelJob>, RegExp][] = [
      [{ model: 'GR9Z' }, /job 1 \(GR9Z\): model: unknown model/],
      [{ state: new Float64Array(4) }, /job 1 \(GR4H\): a state has 1444 values, got 4/],
      [{ params: new Float64Array(3) }, /expected 4 parameters, got 3/],
      [{ steps: 500 }, /precip\[0\] has 120 steps, expected 500/],
      [
        { pet: [new Float64Array(120), new Float64Array(120)] },
        /pet has 2 series, expected 1 or 7/,
      ],
      [{ precip: [] }, /no members/],
    ]
    for (const [change, message] of cases) {
      const call = runner.runEnsembles([good, { ...good, ...change }])
      await expect(call).rejects.toThrow(InputError)
      await expect(call).rejects.toThrow(message)
    }
  })
})

describe('worker-thread runner', () => {
  it('gives the in-process runner’s numbers to the bit on many random jobs', async () => {
    const inProcess = createInProcessRunner()
    for (let s = 0; s < 4; s++) {
      const jobs = mixedJobs(SEED + 10 + s)
      const expected = plain(await inProcess.runEnsembles(jobs))
      expect(plain(await workers2.runEnsembles(jobs))).toEqual(expected)
      expect(plain(await workers1.runEnsembles(jobs))).toEqual(expected)
    }
    const stats = workers2.stats()
    expect(stats.tasks).toBeGreaterThan(stats.calls)
    expect(stats.modelMs).toBeGreaterThan(0)
    expect(stats.peakRssBytes).toBeGreaterThan(0)
  })

  it('runs a whole forecast cycle to the same numbers as the in-process runner', async () => {
    const outcomes = []
    for (const runner of [createInProcessRunner(), workers2]) {
      const net = await syntheticNetwork({ members: 9 })
      const r = await runForecastCycle(net.deps(runner), {
        issueTime: (net.start + DAY_MS + 3 * HOUR_MS) as EpochMs,
        batchSize: 2,
      })
      expect(r.status).toBe('complete')
      const forecasts = []
      for (const id of r.forecast) {
        const f = (await net.forecasts.findBasinForecast(r.runId, id))!
        forecasts.push({
          id,
          members: f.members.map((m) => [...m]),
          quantiles: f.quantiles.map((q) => [...q]),
          exceedance: f.exceedance.map((x) => [...x.probability]),
        })
      }
      const states = net.states.puts.map((s) => [s.basinId, s.t, [...s.state]])
      outcomes.push({ forecasts, states })
    }
    expect(outcomes[1]).toEqual(outcomes[0])
  })

  it('refuses a pool without threads', () => {
    expect(() => createWorkerRunner({ threads: 0 })).toThrow(/threads/)
  })
})
