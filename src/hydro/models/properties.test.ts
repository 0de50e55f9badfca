/**
 * Invariants every GR model must keep, checked over random parameter sets and 29 years of
 * daily forcing (two years of hourly forcing for the hourly models): the water balance closes and the
 * stores never go negative.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readTable } from '../../../test/support/airgr-reference.ts'
import { runModel } from './run-model.ts'
import { gr4h } from './gr4h/run.ts'
import { gr4j } from './gr4j/run.ts'
import { createGr5h, gr5h } from './gr5h/run.ts'
import { gr5j } from './gr5j/run.ts'
import { gr6j } from './gr6j/run.ts'
import { UH1, uh2Offset } from './gr4j/state.ts'
import type { ModelDefinition } from './types.ts'

const SEED = 20_261_129
const daily = readTable('inputs/L0123001.csv')
const forcing = { precip: daily.columns.get('precip_mm')!, pet: daily.columns.get('pet_mm')! }

/** Parameter ranges to draw from, per parameter name (wide but physically meaningful). */
const RANGES: Record<string, [number, number]> = {
  X1: [1, 3000],
  X2: [-10, 10],
  X3: [1, 1000],
  X4: [0.5, 10],
  X4h: [0.5, 200],
  X5: [-4, 4],
  X6: [0.1, 50],
}

interface Case {
  readonly model: ModelDefinition
  /** Names of the balance terms among the model's outputs. */
  readonly inflow: string
  readonly losses: readonly string[]
  readonly exchange: string
  /** Outputs that are store levels and must never be negative. */
  readonly stores: readonly string[]
  /** Length of UH1 in the state vector (20 daily, 480 hourly). */
  readonly nh: number
  readonly forcing: { precip: Float64Array; pet: Float64Array }
}

/**
 * Water held in a GR state (mm): the stores and the unit hydrographs' pending outflows. The
 * first entry of each hydrograph is the outflow already released during the step just run,
 * so it is not storage.
 */
function storage(state: Float64Array, nh: number): number {
  let s = 0
  for (let i = 0; i < state.length; i++) {
    if (i === UH1 || i === uh2Offset(nh)) continue
    s += state[i]!
  }
  return s
}

const hourly = readTable('inputs/L0123001_hourly_derived.csv')
const hourlyForcing = {
  precip: hourly.columns.get('precip_mm')!,
  pet: hourly.columns.get('pet_mm')!,
}

const balance = { inflow: 'Precip', losses: ['AE', 'Qsim'], exchange: 'AExch' }
const CASES: Case[] = [
  { model: gr4j, ...balance, stores: ['Prod', 'Rout'], nh: 20, forcing },
  { model: gr5j, ...balance, stores: ['Prod', 'Rout'], nh: 20, forcing },
  // The exponential store of GR6J may go negative by design (it models a deficit).
  { model: gr6j, ...balance, stores: ['Prod', 'Rout'], nh: 20, forcing },
  { model: gr4h, ...balance, stores: ['Prod', 'Rout'], nh: 480, forcing: hourlyForcing },
  { model: gr5h, ...balance, stores: ['Prod', 'Rout'], nh: 480, forcing: hourlyForcing },
  {
    model: createGr5h({ imaxMm: 2.5 }),
    ...balance,
    stores: ['Prod', 'Rout', 'Interc'],
    nh: 480,
    forcing: hourlyForcing,
  },
]

const arbParams = (model: ModelDefinition): fc.Arbitrary<Float64Array> =>
  fc
    .tuple(
      ...model.paramNames.map((n) => {
        const [min, max] = RANGES[n === 'X4' && model.timeStep === 'hourly' ? 'X4h' : n]!
        return fc.double({ min, max, noNaN: true })
      }),
    )
    .map((v) => Float64Array.from(v))

describe.each(CASES)(
  '$model.name invariants',
  ({ model, inflow, losses, exchange, stores, nh, forcing }) => {
    it('closes the water balance to 1e-9 of total precipitation and keeps every store ≥ 0', () => {
      fc.assert(
        fc.property(
          arbParams(model),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (params, f1, f2) => {
            const levels = { productionStoreFraction: f1, routingStoreFraction: f2 }
            const start = model.initialState(params, levels)
            const run = runModel(
              model,
              params,
              forcing,
              { start: 0, end: forcing.precip.length },
              { levels, allOutputs: true },
            )
            const sum = (name: string): number => {
              let s = 0
              for (const v of run.series.get(name)!) s += v
              return s
            }
            const dS = storage(run.state, nh) - storage(start, nh)
            const p = sum(inflow)
            let balance = p + sum(exchange) - dS
            for (const l of losses) balance -= sum(l)
            expect(Math.abs(balance)).toBeLessThanOrEqual(1e-9 * p)
            for (const s of stores) {
              let min = Infinity
              for (const v of run.series.get(s)!) min = Math.min(min, v)
              expect(min, s).toBeGreaterThanOrEqual(0)
            }
            for (const l of losses) {
              let min = Infinity
              for (const v of run.series.get(l)!) min = Math.min(min, v)
              expect(min, l).toBeGreaterThanOrEqual(0)
            }
          },
        ),
        { seed: SEED, numRuns: 40 },
      )
    })
  },
)
