import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DATA_DIR, worstMismatch, readPeriodCsv } from '../../../../test/support/airgr-reference.ts'
import {
  MELT_THRESHOLD_SHARE,
  MIN_MELT_FRACTION,
  SNOW_HYST_OUTPUTS,
  SNOW_OUTPUTS,
  simulateSnowLayer,
  snowOutputNames,
  type SnowLayerSeries,
} from './run.ts'
import { G, GLOCMAX, GRATIO, GTHR, snowLayerStateSize } from './state.ts'

const REL = 1e-10
const ABS = 1e-12
const SEED = 20_261_129

const readJson = (rel: string) => JSON.parse(readFileSync(join(DATA_DIR, rel), 'utf8'))

interface LayerRun {
  readonly outputs: Float64Array[]
  readonly pliqAndMelt: Float64Array
  readonly state: Float64Array
}

/** Runs one layer from an empty pack over the whole of `series`, with every output. */
function runLayer(
  params: Float64Array,
  hysteresis: boolean,
  masp: number,
  series: SnowLayerSeries,
  state = new Float64Array(snowLayerStateSize(hysteresis)),
  start = 0,
  end = series.precip.length,
): LayerRun {
  const n = end - start
  const outputs = snowOutputNames(hysteresis).map(() => new Float64Array(n))
  const pliqAndMelt = new Float64Array(n)
  simulateSnowLayer(params, hysteresis, masp, series, state, 0, start, end, pliqAndMelt, outputs)
  return { outputs, pliqAndMelt, state }
}

const out = (run: LayerRun, name: string, hysteresis: boolean) =>
  run.outputs[snowOutputNames(hysteresis).indexOf(name)]!

function layerSeries(table: ReturnType<typeof readPeriodCsv>, k: number): SnowLayerSeries {
  return {
    precip: table.columns.get(`L${k}_in_Precip`)!,
    fracSolid: table.columns.get(`L${k}_in_FracSolidPrecip`)!,
    temp: table.columns.get(`L${k}_in_TempMean`)!,
  }
}

describe('the single-precision constants of airGR', () => {
  it('are float32(0.1) and float32(0.9)', () => {
    expect(MIN_MELT_FRACTION).toBe(0.10000000149011612)
    expect(MELT_THRESHOLD_SHARE).toBe(0.8999999761581421)
  })
})

describe('CemaNeige layer kernel, original version, against airGR (L0123002)', () => {
  const id = 'cemaneige_gr4j_L0123002_example'
  const meta = readJson(`reference/${id}.json`)
  const ref = readPeriodCsv(`reference/${id}_layers.csv`)
  const params = Float64Array.of(meta.param.CNX1, meta.param.CNX2)
  const masp = meta.MeanAnSolidPrecip_mm_per_year[0]

  describe.each([1, 2, 3, 4, 5])('layer L%i', (k) => {
    // The reference rows start with the warm-up, from an empty pack, as airGR runs them.
    const run = runLayer(params, false, masp, layerSeries(ref, k))

    it.each(SNOW_OUTPUTS.filter((o) => o !== 'Temp' && o !== 'Gthreshold'))(
      'reproduces %s over warm-up and run',
      (name) => {
        const got = out(run, name, false)
        const expected = ref.columns.get(`L${k}_${name}`)!
        const m = worstMismatch(got, expected, REL, ABS)
        expect(
          m.ratio,
          `L${k}_${name} at ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
        ).toBeLessThanOrEqual(1)
      },
    )

    it("ends in airGR's final G and eTG and uses its melt threshold", () => {
      const fin = meta.final_states_end_of_run.CemaNeigeLayers
      const m = worstMismatch(run.state, [fin.G[k - 1], fin.eTG[k - 1]], REL, ABS)
      expect(m.ratio).toBeLessThanOrEqual(1)
      expect(out(run, 'Gthreshold', false)[0]).toBe(meta.Gthreshold_per_layer_mm[k - 1])
    })
  })
})

describe('CemaNeige layer kernel, linear hysteresis, against airGR Fortran (L0123002)', () => {
  const id = 'cemaneige_hyst_gr4j_L0123002'
  const meta = readJson(`reference-fortran/${id}.json`)
  const ref = readPeriodCsv(`reference-fortran/${id}_layers.csv`)
  const p = meta.param
  const params = Float64Array.of(p.CNX1, p.CNX2, p.CNX3, p.CNX4)
  const masp = meta.MeanAnSolidPrecip_mm_per_year[0]

  describe.each([1, 2, 3, 4, 5])('layer L%i', (k) => {
    const run = runLayer(params, true, masp, layerSeries(ref, k))

    it.each(SNOW_HYST_OUTPUTS.filter((o) => o !== 'Temp'))(
      'reproduces %s over warm-up and run',
      (name) => {
        const got = out(run, name, true)
        const expected = ref.columns.get(`L${k}_${name}`)!
        const m = worstMismatch(got, expected, REL, ABS)
        expect(
          m.ratio,
          `L${k}_${name} at ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
        ).toBeLessThanOrEqual(1)
      },
    )

    it("ends in the Fortran run's final G, eTG, Gthr and Glocmax", () => {
      const fin = meta.final_states_end_of_run.CemaNeigeLayers
      const expected = [fin.G[k - 1], fin.eTG[k - 1], fin.Gthr[k - 1], fin.Glocmax[k - 1]]
      expect(worstMismatch(run.state.subarray(0, 4), expected, REL, ABS).ratio).toBeLessThanOrEqual(
        1,
      )
    })
  })

  it('starts the thresholds from CNX4 × the mean annual solid precipitation', () => {
    const run = runLayer(params, true, masp, layerSeries(ref, 1), undefined, 0, 1)
    expect(run.state[GTHR]).toBe(p.CNX4 * masp)
    expect(run.state[GLOCMAX]).toBe(p.CNX4 * masp)
  })

  it('continues from a saved state exactly as an unbroken run (Gratio included)', () => {
    const series = layerSeries(ref, 1)
    const whole = runLayer(params, true, masp, series)
    const cut = 1234
    const first = runLayer(params, true, masp, series, undefined, 0, cut)
    const second = runLayer(params, true, masp, series, Float64Array.from(first.state), cut)
    expect(Array.from(second.state)).toEqual(Array.from(whole.state))
    expect(Array.from(second.pliqAndMelt)).toEqual(Array.from(whole.pliqAndMelt.subarray(cut)))
    expect(first.state[GRATIO]).toBe(out(whole, 'Gratio', true)[cut - 1])
  })
})

describe('a step worked by hand', () => {
  it('accumulates below 0 °C, then melts at the degree-day rate scaled by the snow cover', () => {
    const params = Float64Array.of(0.5, 3)
    const series = {
      precip: Float64Array.of(10, 0),
      fracSolid: Float64Array.of(1, 0),
      temp: Float64Array.of(-2, 4),
    }
    const run = runLayer(params, false, 100, series)
    const gthr = Math.fround(0.9) * 100
    // Step 1: all snow, eTG = 0.5·0 + 0.5·(−2) = −1 °C: no melt.
    expect(out(run, 'SnowPack', false)[0]).toBe(10)
    expect(out(run, 'ThermalState', false)[0]).toBe(-1)
    expect(out(run, 'Melt', false)[0]).toBe(0)
    // Step 2: eTG = −0.5 + 2 > 0, capped at 0 °C; PotMelt = min(3·4, 10) = 10 mm.
    expect(out(run, 'ThermalState', false)[1]).toBe(0)
    expect(out(run, 'PotMelt', false)[1]).toBe(10)
    const melt = ((1 - Math.fround(0.1)) * (10 / gthr) + Math.fround(0.1)) * 10
    expect(out(run, 'Melt', false)[1]).toBe(melt)
    expect(out(run, 'SnowPack', false)[1]).toBe(10 - melt)
    expect(run.pliqAndMelt[1]).toBe(melt)
  })

  it('keeps a catchment without snow at 0, without NaN, in both versions', () => {
    const series = {
      precip: Float64Array.of(3, 0, 8),
      fracSolid: Float64Array.of(0, 0, 0),
      temp: Float64Array.of(12, 15, 9),
    }
    for (const hysteresis of [false, true]) {
      const params = hysteresis ? Float64Array.of(0.5, 3, 50, 0.5) : Float64Array.of(0.5, 3)
      const run = runLayer(params, hysteresis, 0, series)
      expect(Array.from(run.pliqAndMelt)).toEqual([3, 0, 8])
      expect(run.state[G]).toBe(0)
    }
  })
})

describe('invariants over random parameters (seeded)', () => {
  const ref = readPeriodCsv('reference/cemaneige_gr4j_L0123002_example_layers.csv')
  const series = layerSeries(ref, 3)
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0)

  it.each([false, true])(
    'closes the water balance and keeps G ≥ 0, 0 ≤ Gratio ≤ 1 (hysteresis: %s)',
    (hysteresis) => {
      const arb = fc.tuple(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 1, max: 300, noNaN: true }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
      )
      fc.assert(
        fc.property(arb, ([cnx1, cnx2, cnx3, cnx4, masp]) => {
          const params = hysteresis
            ? Float64Array.of(cnx1, cnx2, cnx3, cnx4)
            : Float64Array.of(cnx1, cnx2)
          const run = runLayer(params, hysteresis, masp, series)
          const psol = sum(out(run, 'Psol', hysteresis))
          const melt = sum(out(run, 'Melt', hysteresis))
          // Σ Psol − Σ Melt = G_end − G_start (G_start = 0)
          expect(Math.abs(psol - melt - run.state[G]!)).toBeLessThanOrEqual(1e-12 * psol + 1e-12)
          const g = out(run, 'SnowPack', hysteresis)
          const ratio = out(run, 'Gratio', hysteresis)
          expect(Math.min(...g)).toBeGreaterThanOrEqual(0)
          expect(Math.min(...ratio)).toBeGreaterThanOrEqual(0)
          expect(Math.max(...ratio)).toBeLessThanOrEqual(1)
        }),
        { seed: SEED, numRuns: 40 },
      )
    },
  )
})
