import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DATA_DIR,
  readReference,
  readTable,
  worstMismatch,
  readPeriodCsv,
} from '../../../../test/support/airgr-reference.ts'
import { InputError } from '../../../core/errors.ts'
import { GR4J_OUTPUTS, gr4j } from '../gr4j/run.ts'
import { PROD, ROUT, UH1, uh2Offset } from '../gr4j/state.ts'
import { runModel } from '../run-model.ts'
import type { ModelDefinition } from '../types.ts'
import { finiteParams } from '../types.ts'
import { createCemaNeigeModel } from './coupled.ts'
import { SNOW_HYST_OUTPUTS, SNOW_OUTPUTS } from './run.ts'

const REL = 1e-10
const ABS = 1e-12

const input = readTable('inputs/L0123002.csv')
const basin = JSON.parse(readFileSync(join(DATA_DIR, 'inputs/L0123002_basin.json'), 'utf8'))
const hypsometry = Float64Array.from(basin.hypso_m as number[])
const forcing = {
  precip: input.columns.get('precip_mm')!,
  pet: input.columns.get('pet_mm')!,
  temp: input.columns.get('temp_c')!,
  times: input.times,
}
const NGR = gr4j.stateSize

const original = createCemaNeigeModel(gr4j, { layers: 5, hysteresis: false, hypsometry })
const hysteresis = createCemaNeigeModel(gr4j, { layers: 5, hysteresis: true, hypsometry })

describe('createCemaNeigeModel(gr4j)', () => {
  it('is named, laid out and documented as airGR names things', () => {
    expect(original.name).toBe('CemaNeigeGR4J')
    expect(original.paramNames).toEqual(['X1', 'X2', 'X3', 'X4', 'CNX1', 'CNX2'])
    expect(hysteresis.paramNames).toEqual(['X1', 'X2', 'X3', 'X4', 'CNX1', 'CNX2', 'CNX3', 'CNX4'])
    expect(original.paramUnits.length).toBe(6)
    expect(original.needsTemperature).toBe(true)
    expect(original.timeStep).toBe('daily')
    expect(original.outputNames.slice(0, 18)).toEqual([...GR4J_OUTPUTS])
    expect(original.outputNames.length).toBe(18 + 5 * SNOW_OUTPUTS.length)
    expect(original.outputNames[18]).toBe('L1_Pliq')
    expect(original.outputNames.at(-1)).toBe('L5_Gthreshold')
    expect(hysteresis.outputNames.at(-1)).toBe('L5_Glocalmax')
    expect(hysteresis.outputNames.length).toBe(18 + 5 * SNOW_HYST_OUTPUTS.length)
    expect(original.stateSize).toBe(NGR + 5 * 2)
    expect(hysteresis.stateSize).toBe(NGR + 5 * 5)
    expect(original.stateNames.slice(NGR, NGR + 4)).toEqual(['L1_G', 'L1_eTG', 'L2_G', 'L2_eTG'])
    expect(hysteresis.stateNames.slice(NGR, NGR + 5)).toEqual([
      'L1_G',
      'L1_eTG',
      'L1_Gthr',
      'L1_Glocmax',
      'L1_Gratio',
    ])
    expect(original.stateNames.length).toBe(original.stateSize)
  })

  it('checks the GR and the snow parameters', () => {
    const ok = Float64Array.of(408.774, 2.646, 131.264, 1.174, 0.962, 2.249, 100, 0.4)
    expect(hysteresis.checkParams(ok)).toEqual([])
    expect(original.checkParams(ok.subarray(0, 6))).toEqual([])
    expect(original.checkParams(ok)[0]!.message).toMatch(/expected 6 parameters/)
    const paths = (p: number[]) =>
      hysteresis.checkParams(Float64Array.from(p)).map((i) => i.path[1])
    expect(paths([-1, 2.6, 131, 1.2, 1.2, 2.2, 0, 0])).toEqual(['X1', 'CNX1', 'CNX3', 'CNX4'])
    expect(paths([400, 2.6, 131, 1.2, 0.9, -1, 100, 0.4])).toEqual(['CNX2'])
    expect(paths([400, 2.6, 131, 1.2, 0.9, NaN, 100, 0.4])).toEqual(['CNX2'])
  })

  it('starts with the GR stores at their levels and an empty snow pack', () => {
    const p = Float64Array.of(408.774, 2.646, 131.264, 1.174, 0.962, 2.249)
    const st = original.initialState(p, { productionStoreFraction: 0.3, routingStoreFraction: 0.5 })
    expect(st[PROD]).toBe(0.3 * 408.774)
    expect(st[ROUT]).toBe(0.5 * 131.264)
    expect(Array.from(st.subarray(NGR))).toEqual(new Array(10).fill(0))
  })

  it.each([
    ['an hourly model', { ...gr4j, timeStep: 'hourly' as const }, {}],
    ['0 layers', gr4j, { layers: 0 }],
    ['101 layers', gr4j, { layers: 101 }],
    ['2.5 layers', gr4j, { layers: 2.5 }],
    ['a short hypsometry', gr4j, { hypsometry: new Float64Array(100) }],
    [
      'a NaN in the hypsometry',
      gr4j,
      { hypsometry: hypsometry.map((z, i) => (i === 7 ? NaN : z)) },
    ],
    ['a NaN input elevation', gr4j, { zInputs: NaN }],
    ['a negative annual snowfall', gr4j, { meanAnnualSolidPrecipMm: -3 }],
    ['a model that has snow already', original, {}],
  ])('refuses %s', (_label, gr, change) => {
    expect(() =>
      createCemaNeigeModel(gr, { layers: 5, hysteresis: false, hypsometry, ...change }),
    ).toThrow(InputError)
  })

  it('needs temperature, and dates to extrapolate it', () => {
    const p = Float64Array.of(408.774, 2.646, 131.264, 1.174, 0.962, 2.249)
    const noTemp = { precip: forcing.precip, pet: forcing.pet, times: forcing.times }
    const noTimes = { precip: forcing.precip, pet: forcing.pet, temp: forcing.temp }
    expect(() => runModel(original, p, noTemp, { start: 0, end: 10 })).toThrow(InputError)
    expect(() => runModel(original, p, noTimes, { start: 0, end: 10 })).toThrow(/times/)
    const single = createCemaNeigeModel(gr4j, { layers: 1, hysteresis: false, hypsometry })
    expect(runModel(single, p, noTimes, { start: 0, end: 10 }).qsim.length).toBe(10)
  })
})

describe('CemaNeigeGR4J (original) against airGR reference cemaneige_gr4j_L0123002_example', () => {
  const ref = readReference('cemaneige_gr4j_L0123002_example')
  const layers = readPeriodCsv('reference/cemaneige_gr4j_L0123002_example_layers.csv')
  const p = ref.meta.param
  const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4, p.CNX1, p.CNX2)
  const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
  const run = runModel(original, params, forcing, period, { allOutputs: true })

  it.each([...GR4J_OUTPUTS])('reproduces %s over the run period', (name) => {
    const expected = ref.table.columns.get(name)!.subarray(...ref.runRows)
    const got = run.series.get(name)!
    const m = worstMismatch(got, expected, REL, ABS)
    expect(
      m.ratio,
      `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
    ).toBeLessThanOrEqual(1)
  })

  it('reports the raw catchment precipitation as Precip, as airGR does', () => {
    expect(Array.from(run.series.get('Precip')!)).toEqual(
      Array.from(forcing.precip.subarray(ref.runStart, ref.runEnd)),
    )
  })

  it.each(
    [1, 2, 3, 4, 5].flatMap((k) =>
      ['Pliq', 'Psol', 'SnowPack', 'ThermalState', 'Gratio', 'PotMelt', 'Melt', 'PliqAndMelt'].map(
        (o) => `L${k}_${o}`,
      ),
    ),
  )('reproduces %s over the run period', (name) => {
    const expected = layers.columns.get(name)!.subarray(...ref.runRows)
    const got = run.series.get(name)!
    const m = worstMismatch(got, expected, REL, ABS)
    expect(
      m.ratio,
      `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
    ).toBeLessThanOrEqual(1)
  })

  it("uses airGR's melt threshold and layer temperatures", () => {
    for (let k = 1; k <= 5; k++) {
      const gthr = run.series.get(`L${k}_Gthreshold`)!
      expect(gthr[0]).toBe(ref.meta.Gthreshold_per_layer_mm[k - 1])
      const temp = run.series.get(`L${k}_Temp`)!
      const expected = layers.columns.get(`L${k}_in_TempMean`)!.subarray(...ref.runRows)
      expect(worstMismatch(temp, expected, REL, ABS).ratio).toBeLessThanOrEqual(1)
    }
  })

  it("ends in airGR's final state", () => {
    const fin = ref.meta.final_states_end_of_run
    const st = run.state
    expect(
      worstMismatch([st[PROD]!, st[ROUT]!], [fin.Store.Prod, fin.Store.Rout], REL, ABS).ratio,
    ).toBeLessThanOrEqual(1)
    expect(
      worstMismatch(st.subarray(UH1, UH1 + 20), fin.UH.UH1, REL, ABS).ratio,
    ).toBeLessThanOrEqual(1)
    expect(
      worstMismatch(st.subarray(uh2Offset(20), uh2Offset(20) + 40), fin.UH.UH2, REL, ABS).ratio,
    ).toBeLessThanOrEqual(1)
    const g = [0, 1, 2, 3, 4].map((k) => st[NGR + 2 * k]!)
    const etg = [0, 1, 2, 3, 4].map((k) => st[NGR + 2 * k + 1]!)
    expect(worstMismatch(g, fin.CemaNeigeLayers.G, REL, ABS).ratio).toBeLessThanOrEqual(1)
    expect(worstMismatch(etg, fin.CemaNeigeLayers.eTG, REL, ABS).ratio).toBeLessThanOrEqual(1)
  })

  it('takes a given mean annual solid precipitation instead of computing it', () => {
    const given = createCemaNeigeModel(gr4j, {
      layers: 5,
      hysteresis: false,
      hypsometry,
      meanAnnualSolidPrecipMm: ref.meta.MeanAnSolidPrecip_mm_per_year[0],
    })
    const again = runModel(given, params, forcing, period)
    expect(Array.from(again.qsim)).toEqual(Array.from(run.qsim))
    const other = createCemaNeigeModel(gr4j, {
      layers: 5,
      hysteresis: false,
      hypsometry,
      meanAnnualSolidPrecipMm: 100,
    })
    const more = runModel(other, params, forcing, period, { allOutputs: true })
    expect(more.series.get('L1_Gthreshold')![0]).toBe(Math.fround(0.9) * 100)
  })
})

describe('CemaNeigeGR4J with the linear hysteresis against airGR Fortran (reference-fortran)', () => {
  // The fixture lives beside the airGR references, in reference-fortran/ (see PROVENANCE.md).
  const ref = readReference('reference-fortran/cemaneige_hyst_gr4j_L0123002')
  const layers = readPeriodCsv('reference-fortran/cemaneige_hyst_gr4j_L0123002_layers.csv')
  const p = ref.meta.param
  const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4, p.CNX1, p.CNX2, p.CNX3, p.CNX4)
  const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
  const run = runModel(hysteresis, params, forcing, period, { allOutputs: true })

  it.each([...GR4J_OUTPUTS])('reproduces %s over the run period', (name) => {
    const expected = ref.table.columns.get(name)!.subarray(...ref.runRows)
    const got = run.series.get(name)!
    const m = worstMismatch(got, expected, REL, ABS)
    expect(
      m.ratio,
      `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
    ).toBeLessThanOrEqual(1)
  })

  it.each(
    [1, 2, 3, 4, 5].flatMap((k) =>
      SNOW_HYST_OUTPUTS.filter((o) => o !== 'Temp').map((o) => `L${k}_${o}`),
    ),
  )('reproduces %s over the run period', (name) => {
    const expected = layers.columns.get(name)!.subarray(...ref.runRows)
    const got = run.series.get(name)!
    const m = worstMismatch(got, expected, REL, ABS)
    expect(
      m.ratio,
      `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
    ).toBeLessThanOrEqual(1)
  })

  it("ends in the Fortran run's final state", () => {
    const fin = ref.meta.final_states_end_of_run
    const st = run.state
    expect(
      worstMismatch([st[PROD]!, st[ROUT]!], [fin.Store.Prod, fin.Store.Rout], REL, ABS).ratio,
    ).toBeLessThanOrEqual(1)
    expect(
      worstMismatch(st.subarray(UH1, UH1 + 20), fin.UH.UH1, REL, ABS).ratio,
    ).toBeLessThanOrEqual(1)
    const layer = (k: number) => st.subarray(NGR + 5 * k, NGR + 5 * k + 4)
    for (let k = 0; k < 5; k++) {
      const c = fin.CemaNeigeLayers
      const expected = [c.G[k], c.eTG[k], c.Gthr[k], c.Glocmax[k]]
      expect(worstMismatch(layer(k), expected, REL, ABS).ratio).toBeLessThanOrEqual(1)
    }
  })
})

describe.each([
  ['original', original, [408.774, 2.646, 131.264, 1.174, 0.962, 2.249]],
  ['hysteresis', hysteresis, [408.774, 2.646, 131.264, 1.174, 0.962, 2.249, 100, 0.4]],
] as const)('CemaNeigeGR4J (%s)', (_label, model, values) => {
  const params = Float64Array.from(values)
  const start = input.dates.indexOf('1990-01-01')
  const end = input.dates.indexOf('2000-01-01')
  const warmupStart = input.dates.indexOf('1989-01-01')

  it('continues warm from a saved state exactly as an unbroken run', () => {
    const whole = runModel(model, params, forcing, { warmupStart, start, end })
    for (const mid of [start + 1, start + 1000, start + 2345]) {
      const first = runModel(model, params, forcing, { warmupStart, start, end: mid })
      const second = runModel(model, params, forcing, { start: mid, end }, { state: first.state })
      expect(Array.from(second.qsim)).toEqual(Array.from(whole.qsim.subarray(mid - start)))
      expect(Array.from(second.state)).toEqual(Array.from(whole.state))
    }
  })

  it('closes the snow water balance of every layer: Σ Psol − Σ Melt = ΔG', () => {
    const st0 = model.initialState(params, {
      productionStoreFraction: 0.3,
      routingStoreFraction: 0.5,
    })
    const run = runModel(model, params, forcing, { start: warmupStart, end }, { allOutputs: true })
    const block = (model.stateSize - NGR) / 5
    for (let k = 1; k <= 5; k++) {
      const sum = (o: string) => run.series.get(`L${k}_${o}`)!.reduce((s, v) => s + v, 0)
      const dG = run.state[NGR + (k - 1) * block]! - st0[NGR + (k - 1) * block]!
      expect(Math.abs(sum('Psol') - sum('Melt') - dG)).toBeLessThanOrEqual(1e-12 * sum('Psol'))
    }
  })

  it('derives the layers again when the forcing changes', () => {
    const warmer = { ...forcing, temp: forcing.temp.map((t) => t + 5) }
    const a = runModel(model, params, forcing, { start, end: start + 400 }, { allOutputs: true })
    const b = runModel(model, params, warmer, { start, end: start + 400 }, { allOutputs: true })
    const snow = (r: typeof a) => r.series.get('L3_Psol')!.reduce((s, v) => s + v, 0)
    expect(snow(b)).toBeLessThan(snow(a))
  })
})

describe('createCemaNeigeModel with any daily GR model', () => {
  // A stand-in GR model: Q = k·P, its state the total rainfall received. It shows what the GR
  // part is given: the layer mean of PliqAndMelt, and its own slice of the state and params.
  const linear: ModelDefinition = {
    name: 'Lin',
    timeStep: 'daily',
    paramNames: ['k'],
    paramUnits: ['-'],
    outputNames: ['Precip', 'Qsim'],
    needsTemperature: false,
    stateSize: 1,
    stateNames: ['Total'],
    checkParams: (params) => finiteParams(['k'], params),
    initialState: () => new Float64Array(1),
    simulate(params, f, state, start, end, qsim, outputs) {
      for (let i = start; i < end; i++) {
        state[0] = state[0]! + f.precip[i]!
        qsim[i - start] = params[0]! * f.precip[i]!
        if (outputs !== null) {
          outputs[0]![i - start] = f.precip[i]!
          outputs[1]![i - start] = qsim[i - start]!
        }
      }
    },
  }
  const model = createCemaNeigeModel(linear, { layers: 3, hysteresis: false, hypsometry })
  const params = Float64Array.of(0.5, 0.9, 3.5)

  it('feeds the GR model the layer mean of PliqAndMelt, summed in layer order', () => {
    expect(model.name).toBe('CemaNeigeLin')
    expect(model.paramNames).toEqual(['k', 'CNX1', 'CNX2'])
    const run = runModel(model, params, forcing, { start: 2000, end: 2400 }, { allOutputs: true })
    const pm = [1, 2, 3].map((k) => run.series.get(`L${k}_PliqAndMelt`)!)
    let total = 0
    for (let j = 0; j < 400; j++) {
      const mean = pm[0]![j]! / 3 + pm[1]![j]! / 3 + pm[2]![j]! / 3
      expect(run.qsim[j]).toBe(0.5 * mean)
      total += mean
    }
    expect(run.series.get('Precip')).toEqual(forcing.precip.subarray(2000, 2400))
    expect(Math.abs(run.state[0]! - total)).toBeLessThanOrEqual(1e-9 * total)
    expect(run.state.length).toBe(1 + 3 * 2)
  })
})
