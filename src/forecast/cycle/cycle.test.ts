import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'
import type { BasinId } from '../../core/ids.ts'
import { gr4h } from '../../hydro/models/gr4h/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import { reachSteadyState, routeReach } from '../../hydro/routing/reach.ts'
import { mmPerStepToM3s, mmPerStepToM3sSeries } from '../../hydro/routing/units.ts'
import type { BasinForecast, ModelRunner } from '../ports.ts'
import { FORECAST_QUANTILES } from '../ports.ts'
import { runForecastCycle } from './cycle.ts'
import { sequentialModelRunner } from './memory-ports.ts'
import type { SyntheticNetwork } from './synthetic-network.ts'
import { HOUR_MS, syntheticNetwork } from './synthetic-network.ts'
import type { StateUpdateInput } from './types.ts'

const DAY = 24 * HOUR_MS
const runner = sequentialModelRunner

async function observedSeries(
  net: SyntheticNetwork,
  variable: 'precip' | 'pet',
  b: BasinId,
  from: number,
  to: number,
): Promise<Float64Array> {
  const obs = await net.observations.read(net.seriesId(variable, b), from as EpochMs, to as EpochMs)
  return Float64Array.from(obs, (o) => o.value)
}

/** The upstream basins of each basin of the synthetic network. */
function upstreamOf(net: SyntheticNetwork): Map<BasinId, BasinId[]> {
  const { a, b, c, d, e } = net.ids
  return new Map([
    [a, []],
    [b, []],
    [d, []],
    [c, [a, b]],
    [e, [c, d]],
  ])
}

function expectNetworkOrder(net: SyntheticNetwork, order: readonly BasinId[]): void {
  const at = new Map(order.map((id, i) => [id, i]))
  for (const [id, ups] of upstreamOf(net)) {
    expect(at.has(id)).toBe(true)
    for (const u of ups) expect(at.get(u)!).toBeLessThan(at.get(id)!)
  }
}

const forecastOf = async (net: SyntheticNetwork, runId: string, b: BasinId) =>
  (await net.forecasts.findBasinForecast(runId as never, b))!

describe('runForecastCycle', () => {
  it('advances every state over the observations and saves it at the issue time', async () => {
    const net = await syntheticNetwork()
    const issue = (net.start + DAY) as EpochMs
    const before = net.states.puts.length
    const r = await runForecastCycle(net.deps(runner), { issueTime: issue })
    expect(r.status).toBe('complete')
    const saved = net.states.puts.slice(before)
    expect(saved).toHaveLength(5)
    for (const s of saved) {
      expect(s.t).toBe(issue - HOUR_MS)
      const p = net.params.get(s.basinId)!
      const initial = (await net.states.latest(s.basinId, (net.start - HOUR_MS) as EpochMs))!
      const forcing = {
        precip: await observedSeries(net, 'precip', s.basinId, net.start, issue),
        pet: await observedSeries(net, 'pet', s.basinId, net.start, issue),
      }
      const ref = runModel(gr4h, p, forcing, { start: 0, end: 24 }, { state: initial.state })
      expect(s.state).toEqual(ref.state)
      expect(s.state).not.toEqual(initial.state)
    }
    const run = (await net.forecasts.findRun(r.runId))!
    expect(run).toMatchObject({ status: 'complete', members: 5, leadSteps: 48, stepMs: HOUR_MS })
    expect(run.forcingSource).toBe('synthetic: seeded storms')
  })

  it('processes basins in network order, whatever the batch size', async () => {
    for (const batchSize of [1, 2, 3, 256]) {
      const net = await syntheticNetwork()
      const before = net.states.puts.length
      const r = await runForecastCycle(net.deps(runner), {
        issueTime: (net.start + DAY) as EpochMs,
        batchSize,
      })
      expect(r.status).toBe('complete')
      expectNetworkOrder(net, r.forecast)
      expectNetworkOrder(
        net,
        net.states.puts.slice(before).map((s) => s.basinId),
      )
      expectNetworkOrder(
        net,
        net.forecasts.puts.flat().map((f) => f.basinId),
      )
      expect(net.forecasts.puts.every((p) => p.length <= batchSize)).toBe(true)
    }
  })

  it('adds routed upstream flow to local flow at a confluence, member by member', async () => {
    const net = await syntheticNetwork()
    const issue = (net.start + DAY) as EpochMs
    const r = await runForecastCycle(net.deps(runner), { issueTime: issue })
    const dtSec = HOUR_MS / 1000
    const basins = new Map((await net.basins.list()).map((b) => [b.id, b]))
    // Independently: each basin's local flow (m³/s) per member from its saved state, and its
    // outlet flow at the issue time from the last observed step.
    const local = new Map<BasinId, Float64Array[]>()
    const localNow = new Map<BasinId, number>()
    for (const [id, b] of basins) {
      const p = net.params.get(id)!
      const initial = (await net.states.latest(id, (net.start - HOUR_MS) as EpochMs))!
      const obs = runModel(
        gr4h,
        p,
        {
          precip: await observedSeries(net, 'precip', id, net.start, issue),
          pet: await observedSeries(net, 'pet', id, net.start, issue),
        },
        { start: 0, end: 24 },
        { state: initial.state },
      )
      localNow.set(id, mmPerStepToM3s(obs.qsim[23]!, b.areaKm2, dtSec))
      const ff = (await net.forcing.latest(id, issue))!
      local.set(
        id,
        ff.precip.map((pm, m) => {
          const run = runModel(
            gr4h,
            p,
            { precip: pm, pet: ff.pet![m]! },
            { start: 0, end: 48 },
            { state: obs.state },
          )
          return mmPerStepToM3sSeries(run.qsim, b.areaKm2, dtSec, new Float64Array(48))
        }),
      )
    }
    const { a, b, c, d, e } = net.ids
    const outletNow = (id: BasinId): number =>
      localNow.get(id)! +
      (upstreamOf(net)
        .get(id)!
        .reduce((s, u) => s + outletNow(u), 0) as number)
    const routedFrom = (up: BasinForecast, m: number): Float64Array => {
      const reach = basins.get(up.basinId)!.downstream!.reach
      const state = reachSteadyState(reach, dtSec, outletNow(up.basinId))
      const out = new Float64Array(48)
      routeReach(reach, dtSec, up.members[m]!, state, out)
      return out
    }
    const fa = await forecastOf(net, r.runId, a)
    const fb = await forecastOf(net, r.runId, b)
    const fc = await forecastOf(net, r.runId, c)
    const fd = await forecastOf(net, r.runId, d)
    const fe = await forecastOf(net, r.runId, e)
    for (let m = 0; m < 5; m++) {
      // Headwaters: their own flow only.
      expect(fa.members[m]).toEqual(local.get(a)![m])
      const ra = routedFrom(fa, m)
      const rb = routedFrom(fb, m)
      const rd = routedFrom(fd, m)
      const rc = routedFrom(fc, m)
      expect(rc).toEqual(fc.members[m]) // a reach of kind 'none' passes flow unchanged
      for (let t = 0; t < 48; t++) {
        expect(fc.members[m]![t]).toBeCloseTo(local.get(c)![m]![t]! + ra[t]! + rb[t]!, 10)
        expect(fe.members[m]![t]).toBeCloseTo(local.get(e)![m]![t]! + rc[t]! + rd[t]!, 10)
        expect(fc.members[m]![t]).toBeGreaterThan(local.get(c)![m]![t]!)
      }
    }
  })

  it('stores quantiles that never decrease with the level, within the members', async () => {
    const net = await syntheticNetwork({ members: 11 })
    const r = await runForecastCycle(net.deps(runner), {
      issueTime: (net.start + DAY) as EpochMs,
    })
    for (const id of r.forecast) {
      const f = await forecastOf(net, r.runId, id)
      expect(f.quantiles).toHaveLength(FORECAST_QUANTILES.length)
      for (let t = 0; t < 48; t++) {
        let min = Infinity
        let max = -Infinity
        for (const m of f.members) {
          min = Math.min(min, m[t]!)
          max = Math.max(max, m[t]!)
        }
        expect(f.quantiles[0]![t]).toBeGreaterThanOrEqual(min)
        expect(f.quantiles[4]![t]).toBeLessThanOrEqual(max)
        for (let l = 1; l < f.quantiles.length; l++)
          expect(f.quantiles[l]![t]).toBeGreaterThanOrEqual(f.quantiles[l - 1]![t]!)
        // With 11 members the median is the 6th value.
        const sorted = f.members.map((m) => m[t]!).sort((x, y) => x - y)
        expect(f.quantiles[2]![t]).toBe(sorted[5])
      }
    }
  })

  it('gives exceedance probabilities in [0, 1]: 1 when every member exceeds, 0 when none', async () => {
    const net = await syntheticNetwork()
    const r = await runForecastCycle(net.deps(runner), {
      issueTime: (net.start + DAY) as EpochMs,
    })
    for (const id of r.forecast) {
      const f = await forecastOf(net, r.runId, id)
      expect(f.exceedance.map((x) => x.thresholdId)).toEqual([
        `low:${id}`,
        `q2:${id}`,
        `huge:${id}`,
      ])
      const [low, q2, huge] = f.exceedance
      for (let t = 0; t < 48; t++) {
        expect(low!.probability[t]).toBe(1)
        expect(huge!.probability[t]).toBe(0)
        const above = f.members.filter((m) => m[t]! > q2!.value).length
        expect(q2!.probability[t]).toBe(above / 5)
        expect(q2!.probability[t]).toBeGreaterThanOrEqual(0)
        expect(q2!.probability[t]).toBeLessThanOrEqual(1)
      }
    }
  })

  it('fails the run with the reason when a basin fails, and skips the basins below it', async () => {
    const net = await syntheticNetwork()
    net.configs.byBasin.delete(net.ids.d)
    const r = await runForecastCycle(net.deps(runner), {
      issueTime: (net.start + DAY) as EpochMs,
    })
    expect(r.status).toBe('failed')
    expect(r.failures).toEqual([
      { basinId: net.ids.d, reason: 'no model configuration' },
      { basinId: net.ids.e, reason: 'upstream basin up-d was not forecast' },
    ])
    expect([...r.forecast].sort()).toEqual([net.ids.c, net.ids.a, net.ids.b].sort())
    const run = (await net.forecasts.findRun(r.runId))!
    expect(run.status).toBe('failed')
    expect(run.note).toContain('up-d: no model configuration')
    expect(run.note).toMatch(/^2 of 5 basins failed/)
  })

  it('names the missing input of a failing basin', async () => {
    const net = await syntheticNetwork()
    const issue = (net.start + DAY) as EpochMs
    // A gap in the observed rain of up-a, an hour before the issue time.
    await net.observations.write(
      [
        {
          seriesId: net.seriesId('precip', net.ids.a),
          t: (issue - HOUR_MS) as EpochMs,
          value: NaN,
          quality: 0,
        },
      ],
      issue,
    )
    const r = await runForecastCycle(net.deps(runner), { issueTime: issue })
    expect(r.failures[0]).toEqual({
      basinId: net.ids.a,
      reason: 'observed precipitation missing at 2024-01-10T23:00:00.000Z',
    })
    expect((await net.forecasts.findRun(r.runId))!.status).toBe('failed')
  })

  it('never leaves a run running: a runner or a store that throws fails it', async () => {
    const broken: ModelRunner = {
      runEnsembles: async () => {
        throw new Error('worker crashed')
      },
    }
    const net = await syntheticNetwork()
    const r = await runForecastCycle(net.deps(broken), {
      issueTime: (net.start + DAY) as EpochMs,
    })
    expect(r.status).toBe('failed')
    const run = (await net.forecasts.findRun(r.runId))!
    expect(run.status).toBe('failed')
    expect(run.note).toContain('worker crashed')

    const net2 = await syntheticNetwork()
    net2.forecasts.putBasinForecasts = async () => {
      throw new Error('disk full')
    }
    const r2 = await runForecastCycle(net2.deps(runner), {
      issueTime: (net2.start + DAY) as EpochMs,
      batchSize: 2,
    })
    expect(r2).toMatchObject({ status: 'failed', note: 'the cycle stopped: disk full' })
    expect((await net2.forecasts.findRun(r2.runId))!.status).toBe('failed')

    const net3 = await syntheticNetwork()
    net3.basins.list = async () => {
      throw new Error('database locked')
    }
    const r3 = await runForecastCycle(net3.deps(runner), {
      issueTime: (net3.start + DAY) as EpochMs,
    })
    expect((await net3.forecasts.findRun(r3.runId))!).toMatchObject({
      status: 'failed',
      note: 'database locked',
    })
  })

  it('rejects a malformed request before creating a run', async () => {
    const net = await syntheticNetwork()
    await expect(runForecastCycle(net.deps(runner), { issueTime: 1.5 as EpochMs })).rejects.toThrow(
      InputError,
    )
    await expect(
      runForecastCycle(net.deps(runner), { issueTime: net.start, batchSize: 0 }),
    ).rejects.toThrow(/batchSize/)
    expect(net.forecasts.runs.size).toBe(0)
  })

  it('starting warm from the previous cycle gives what one unbroken run gives', async () => {
    const t2 = (start: number) => (start + 2 * DAY) as EpochMs
    const warm = await syntheticNetwork()
    await runForecastCycle(warm.deps(runner), { issueTime: (warm.start + DAY) as EpochMs })
    warm.clock.set(warm.start + 2 * DAY)
    const rw = await runForecastCycle(warm.deps(runner), { issueTime: t2(warm.start) })
    const unbroken = await syntheticNetwork()
    const ru = await runForecastCycle(unbroken.deps(runner), { issueTime: t2(unbroken.start) })
    expect(rw.status).toBe('complete')
    expect(ru.status).toBe('complete')
    for (const id of Object.values(warm.ids)) {
      const sw = (await warm.states.latest(id, (t2(warm.start) - HOUR_MS) as EpochMs))!
      const su = (await unbroken.states.latest(id, (t2(warm.start) - HOUR_MS) as EpochMs))!
      expect(sw.t).toBe(su.t)
      expect(sw.state).toEqual(su.state)
      const fw = await forecastOf(warm, rw.runId, id)
      const fu = await forecastOf(unbroken, ru.runId, id)
      expect(fw.members).toEqual(fu.members)
      expect(fw.quantiles).toEqual(fu.quantiles)
    }
  })

  it('starts cold from the observations when a basin has no usable state', async () => {
    const net = await syntheticNetwork()
    net.states.puts.splice(0)
    const issue = (net.start + DAY) as EpochMs
    const r = await runForecastCycle(net.deps(runner), { issueTime: issue, coldStartSteps: 96 })
    expect(r.status).toBe('complete')
    expect(net.states.puts.map((s) => s.t)).toEqual(Array(5).fill(issue - HOUR_MS))
    // Without a cold-start window reaching observed data, the basin cannot start.
    const net2 = await syntheticNetwork({ daysBefore: 0 })
    net2.states.puts.splice(0)
    const r2 = await runForecastCycle(net2.deps(runner), {
      issueTime: net2.start,
      coldStartSteps: 24,
    })
    expect(r2.failures[0]!.reason).toMatch(/^no saved state, and no step/)
  })

  it('forecasts the basins asked for and everything upstream of them', async () => {
    const net = await syntheticNetwork()
    const r = await runForecastCycle(net.deps(runner), {
      issueTime: (net.start + DAY) as EpochMs,
      basins: [net.ids.c],
    })
    expect(r.status).toBe('complete')
    expect([...r.forecast].sort()).toEqual([net.ids.a, net.ids.b, net.ids.c].sort())
    const r2 = await runForecastCycle(net.deps(runner), {
      issueTime: (net.start + DAY) as EpochMs,
      basins: ['nowhere' as BasinId],
      runId: 'fc:second' as never,
    })
    expect(r2).toMatchObject({
      status: 'failed',
      note: 'river network: basins[0]: no basin "nowhere"',
    })
  })

  it('uses the forcing forecast issued before the issue time from the right lead step', async () => {
    const net = await syntheticNetwork()
    // Issue at 06:00: the forecast issued at 00:00 serves, from its 7th step on.
    const issue = (net.start + DAY + 6 * HOUR_MS) as EpochMs
    const r = await runForecastCycle(net.deps(runner), { issueTime: issue })
    expect(r.status).toBe('complete')
    const run = (await net.forecasts.findRun(r.runId))!
    expect(run.leadSteps).toBe(42)
    const f = await forecastOf(net, r.runId, net.ids.a)
    const ff = (await net.forcing.latest(net.ids.a, issue))!
    const state = (await net.states.latest(net.ids.a, (issue - HOUR_MS) as EpochMs))!
    expect(state.t).toBe(issue - HOUR_MS)
    const ref = runModel(
      gr4h,
      net.params.get(net.ids.a)!,
      { precip: ff.precip[2]!.subarray(6), pet: ff.pet![2]!.subarray(6) },
      { start: 0, end: 42 },
      { state: state.state },
    )
    expect(f.members[2]).toEqual(mmPerStepToM3sSeries(ref.qsim, 120, 3600, new Float64Array(42)))
  })

  it('forecasts from the updated state and saves the state before the update', async () => {
    const net = await syntheticNetwork()
    const seen: StateUpdateInput[] = []
    const issue = (net.start + DAY) as EpochMs
    const base = await runForecastCycle(net.deps(runner), { issueTime: issue })
    const net2 = await syntheticNetwork()
    const r = await runForecastCycle(
      {
        ...net2.deps(runner),
        update: (input) => {
          seen.push(input)
          input.state[1] = input.state[1]! * 1.5 // a fuller routing store
          return input.state
        },
      },
      { issueTime: issue },
    )
    expect(r.status).toBe('complete')
    expect(seen.map((s) => s.basinId).sort()).toEqual(Object.values(net.ids).sort())
    const c = seen.find((s) => s.basinId === net.ids.c)!
    expect(c).toMatchObject({
      issueTime: issue,
      stepMs: HOUR_MS,
      areaKm2: 80,
      totalAreaKm2: 80 + 120 + 95,
      simulatedFrom: net.start,
      dischargeSeriesId: net.seriesId('q', net.ids.c),
    })
    expect(c.simulated).toHaveLength(24)
    expect(c.latestDischarge?.t).toBe(issue - HOUR_MS)
    for (const id of Object.values(net.ids)) {
      const saved = (await net2.states.latest(id, (issue - HOUR_MS) as EpochMs))!.state
      const savedBase = (await net.states.latest(id, (issue - HOUR_MS) as EpochMs))!.state
      expect(saved).toEqual(savedBase)
      const f2 = await forecastOf(net2, r.runId, id)
      const f1 = await forecastOf(net, base.runId, id)
      expect(f2.members[0]![0]).toBeGreaterThan(f1.members[0]![0]!)
    }
    // An update that returns a state of the wrong length fails its basin.
    const net3 = await syntheticNetwork()
    const r3 = await runForecastCycle(
      { ...net3.deps(runner), update: () => new Float64Array(3) },
      { issueTime: issue },
    )
    expect(r3.failures[0]!.reason).toBe("state update: has 3 values, the model's state 1444")
  })
})
