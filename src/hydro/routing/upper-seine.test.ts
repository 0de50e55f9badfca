/**
 * The upper Seine as a network: three real CAMELS-FR basins simulated with GR4J, routed down
 * to the Seine at Marcilly (Aube confluence) and on to Moret (Loing confluence). The Yonne and
 * the ungauged basins between the stations are left out (the confluence nodes have no area of
 * their own): the test checks the routing, not the flow of the Seine at Moret.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DATA_DIR, readTable } from '../../../test/support/airgr-reference.ts'
import { gr4j } from '../models/gr4j/run.ts'
import { runModel } from '../models/run-model.ts'
import type { SubBasin } from './network.ts'
import { networkStorage, routeNetworkOrThrow } from './network.ts'
import type { ReachRouting } from './reach.ts'
import { reachStateSize, routeReach } from './reach.ts'
import { M3_PER_MM_KM2, SECONDS_PER_DAY } from './units.ts'

/** Hand-tuned GR4J parameters (X1 mm, X2 mm/day, X3 mm, X4 day); NSE 0.67–0.80 over 2000–2018. */
const BASINS = [
  // The upper Seine gains water from karst: a positive exchange X2.
  { code: 'H010002001', params: [250, 1.5, 100, 1.5], down: 'seine-marcilly' },
  { code: 'H120101001', params: [350, 0, 90, 1.7], down: 'seine-marcilly' },
  { code: 'F439000101', params: [700, -0.7, 180, 2.5], down: 'seine-moret' },
] as const

/** Reaches by upstream node, travel times from river lengths at about 1 m/s. */
const REACHES: Record<string, ReachRouting> = {
  // Plaines-Saint-Lange → Marcilly, about 140 km.
  H010002001: { kind: 'muskingum', kHours: 36, x: 0.2 },
  // Bar-sur-Aube → Marcilly, about 100 km.
  H120101001: { kind: 'lag-route', lagHours: 12, kHours: 24 },
  // Marcilly → Moret, about 150 km.
  'seine-marcilly': { kind: 'muskingum', kHours: 48, x: 0.15 },
  // Épisy → Moret, a few km: a short reach that needs three Muskingum sub-steps a day.
  F439000101: { kind: 'muskingum', kHours: 6, x: 0.1 },
}

function nse(sim: Float64Array, obs: Float64Array): number {
  let mean = 0
  let n = 0
  for (let i = 0; i < obs.length; i++) {
    if (Number.isNaN(obs[i]!)) continue
    mean += obs[i]!
    n++
  }
  mean /= n
  let err = 0
  let tot = 0
  for (let i = 0; i < obs.length; i++) {
    if (Number.isNaN(obs[i]!)) continue
    err += (sim[i]! - obs[i]!) ** 2
    tot += (obs[i]! - mean) ** 2
  }
  return 1 - err / tot
}

function sum(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

describe('the upper Seine network (CAMELS-FR basins, GR4J)', () => {
  const simulated = BASINS.map(({ code, params, down }) => {
    const table = readTable(`inputs/${code}.csv`)
    const basin = JSON.parse(
      readFileSync(join(DATA_DIR, 'inputs', `${code}_basin.json`), 'utf8'),
    ) as { area_km2: number }
    const start = table.dates.indexOf('2000-01-01')
    const run = runModel(
      gr4j,
      Float64Array.from(params),
      { precip: table.columns.get('precip_mm')!, pet: table.columns.get('pet_mm')! },
      { warmupStart: 0, start, end: table.dates.length },
    )
    const obs = table.columns.get('q_mm')!.subarray(start)
    return { code, down, area: basin.area_km2, qsim: run.qsim, obs }
  })
  const len = simulated[0]!.qsim.length
  const nodes: SubBasin[] = [
    ...simulated.map((s) => ({
      id: s.code,
      areaKm2: s.area,
      localFlow: s.qsim,
      downstream: { id: s.down, reach: REACHES[s.code]! },
    })),
    {
      id: 'seine-marcilly',
      areaKm2: 0,
      localFlow: new Float64Array(len),
      downstream: { id: 'seine-moret', reach: REACHES['seine-marcilly']! },
    },
    { id: 'seine-moret', areaKm2: 0, localFlow: new Float64Array(len), downstream: null },
  ]
  const run = routeNetworkOrThrow(nodes, { stepSeconds: SECONDS_PER_DAY })

  it('simulates each basin sensibly with the chosen parameters', () => {
    expect(simulated.map((s) => s.area)).toEqual([686, 1297.80004882812, 3916.7099609375])
    for (const s of simulated) expect(nse(s.qsim, s.obs), s.code).toBeGreaterThan(0.6)
  })

  it('processes the basins before their confluences', () => {
    expect(run.order).toEqual([
      'H010002001',
      'H120101001',
      'F439000101',
      'seine-marcilly',
      'seine-moret',
    ])
  })

  it('gives at each confluence the sum of the routed contributions', () => {
    const routedAlone = (id: string) => {
      const reach = REACHES[id]!
      const out = new Float64Array(len)
      const state = new Float64Array(reachStateSize(reach, SECONDS_PER_DAY))
      routeReach(reach, SECONDS_PER_DAY, run.outletFlow.get(id)!, state, out)
      return out
    }
    for (const [node, branches] of [
      ['seine-marcilly', ['H010002001', 'H120101001']],
      ['seine-moret', ['seine-marcilly', 'F439000101']],
    ] as const) {
      const parts = branches.map(routedAlone)
      const got = run.outletFlow.get(node)!
      for (let t = 0; t < len; t++) {
        const expected = parts[0]![t]! + parts[1]![t]!
        expect(Math.abs(got[t]! - expected), `${node} day ${t}`).toBeLessThanOrEqual(
          1e-12 * expected,
        )
      }
    }
    // A head basin's outlet flow is its own simulated flow in m³/s.
    const seine = run.outletFlow.get('H010002001')!
    expect(seine[100]).toBe(simulated[0]!.qsim[100]! * ((686 * M3_PER_MM_KM2) / SECONDS_PER_DAY))
  })

  it('routes each flood wave without raising its peak', () => {
    for (const id of ['H010002001', 'H120101001', 'F439000101', 'seine-marcilly']) {
      const peakIn = Math.max(...run.outletFlow.get(id)!)
      const peakOut = Math.max(...run.routedFlow.get(id)!)
      expect(peakOut, id).toBeLessThanOrEqual(peakIn)
      expect(peakOut, id).toBeGreaterThan(0.5 * peakIn)
    }
  })

  it('conserves volume over 19 years: local runoff = flow out at Moret + water left in the reaches', () => {
    let local = 0
    for (const s of simulated) local += sum(s.qsim) * s.area * M3_PER_MM_KM2
    const out = sum(run.outletFlow.get('seine-moret')!) * SECONDS_PER_DAY
    const stored = networkStorage(nodes, run.states, SECONDS_PER_DAY)
    expect(stored).toBeGreaterThan(0)
    expect(Math.abs(local - out - stored)).toBeLessThanOrEqual(1e-9 * local)
  })
})
