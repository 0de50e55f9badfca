import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DATA_DIR,
  readTable,
  worstMismatch,
  readPeriodCsv,
} from '../../../../test/support/airgr-reference.ts'
import {
  elevationLayers,
  extrapolateLayers,
  extrapolatePrecip,
  gradientRowOfDayOfYear,
  gradientRowOfTime,
  meanAnnualSolidPrecip,
  precipFactor,
  solidFractionHydrotel,
  solidFractionMethod,
  solidFractionUsace,
} from './extrapolation.ts'
import { GRAD_T_MAX, GRAD_T_MEAN, GRAD_T_MIN } from './gradients.ts'
import { DAYS_PER_YEAR, MELT_THRESHOLD_SHARE } from './run.ts'

const REL = 1e-10
const ABS = 1e-12
const ID = 'cemaneige_gr4j_L0123002_example'

const input = readTable('inputs/L0123002.csv')
const basin = JSON.parse(readFileSync(join(DATA_DIR, 'inputs/L0123002_basin.json'), 'utf8'))
const hypsometry = Float64Array.from(basin.hypso_m as number[])
const meta = JSON.parse(readFileSync(join(DATA_DIR, `reference/${ID}.json`), 'utf8'))
const forcing = {
  precip: input.columns.get('precip_mm')!,
  temp: input.columns.get('temp_c')!,
  times: input.times,
}
const utc = (s: string): number => Date.parse(`${s}T00:00:00Z`)

describe('elevationLayers', () => {
  // With the curve 0, 1, …, 100 each layer's elevation is the index airGR picks.
  const ramp = Float64Array.from({ length: 101 }, (_, i) => i)
  it.each([
    [1, [50]],
    [2, [25, 75]],
    [3, [17, 50, 83]],
    [5, [10, 30, 50, 70, 90]],
    [7, [7, 22, 37, 51, 65, 79, 93]],
    [40, Array.from({ length: 40 }, (_, k) => (k < 20 ? 3 * k + 1 : 60 + 2 * (k - 20) + 0.5))],
    [100, Array.from({ length: 100 }, (_, k) => k)],
  ])('cuts the curve into %i layers as airGR does', (n, expected) => {
    expect(Array.from(elevationLayers(ramp, n))).toEqual(expected)
  })

  it("gives the reference run's layer elevations", () => {
    expect(Array.from(elevationLayers(hypsometry, 5))).toEqual(meta.cemaneige_setup.ZLayers_m)
  })
})

describe('gradient-table rows', () => {
  it.each([
    ['1984-01-01', 0],
    ['1984-02-28', 58],
    ['1984-02-29', 59],
    ['1984-03-01', 60],
    ['1985-02-28', 58],
    ['1985-03-01', 60],
    ['1985-12-31', 365],
    ['1984-12-31', 365],
    ['2000-02-29', 59],
    ['1900-03-01', 60],
    ['1969-12-31', 365],
  ])('%s is row %i', (day, row) => {
    expect(gradientRowOfTime(utc(day))).toBe(row)
    expect(gradientRowOfTime(utc(day) + 23 * 3_600_000)).toBe(row)
  })

  it('agrees with the day-of-year form over a leap year and its neighbours', () => {
    for (const year of [1999, 2000, 2001]) {
      const leap = year === 2000
      const days = leap ? 366 : 365
      for (let d = 1; d <= days; d++) {
        const t = Date.UTC(year, 0, d)
        expect(gradientRowOfDayOfYear(d, leap)).toBe(gradientRowOfTime(t))
      }
    }
  })

  it('has 366 rows of positive gradients, the mean one starting as airGR (0.434 °C/100 m)', () => {
    for (const g of [GRAD_T_MEAN, GRAD_T_MIN, GRAD_T_MAX]) {
      expect(g.length).toBe(366)
      expect(g.every((v) => v > 0.3 && v < 0.8)).toBe(true)
    }
    expect([GRAD_T_MEAN[0], GRAD_T_MIN[0], GRAD_T_MAX[0]]).toEqual([0.434, 0.366, 0.498])
    expect([GRAD_T_MEAN[59], GRAD_T_MIN[59], GRAD_T_MAX[59]]).toEqual([0.546, 0.399, 0.709])
    expect([GRAD_T_MEAN[365], GRAD_T_MIN[365], GRAD_T_MAX[365]]).toEqual([0.433, 0.366, 0.497])
  })
})

describe('precipitation', () => {
  it('grows by exp(0.00041·Δz) and stops growing at 4000 m', () => {
    expect(precipFactor(1636, 1636)).toBe(1)
    expect(precipFactor(2636, 1636)).toBe(Math.exp(0.41))
    expect(precipFactor(4500, 1000)).toBe(Math.exp(0.00041 * 3000))
    expect(precipFactor(4500, 4200)).toBe(1)
    expect(precipFactor(500, 4200)).toBe(Math.exp(0.00041 * -3700))
  })

  it('rescales the layers to the catchment precipitation, and gives 0 for a dry step', () => {
    const p = Float64Array.of(0, 1, 7.3, 123.4)
    const z = Float64Array.of(500, 1200, 2600, 4100)
    const layers = Array.from(z, () => new Float64Array(p.length))
    extrapolatePrecip(p, z, 1500, true, layers)
    for (let i = 0; i < p.length; i++) {
      const mean = layers.reduce((s, l) => s + l[i]!, 0) / layers.length
      expect(Math.abs(mean - p[i]!)).toBeLessThanOrEqual(4e-16 * p[i]!)
      for (let k = 1; k < z.length; k++)
        expect(layers[k]![i]!).toBeGreaterThanOrEqual(layers[k - 1]![i]!)
    }
    expect(layers.map((l) => l[0])).toEqual([0, 0, 0, 0])
    extrapolatePrecip(p, z, 1500, false, layers)
    expect(layers[0]![3]).toBe(123.4 * Math.exp(0.00041 * -1000))
  })
})

describe('solid fraction', () => {
  it.each([
    [-10, 1],
    [-1, 1],
    [0, 0.75],
    [1, 0.5],
    [3, 0],
    [3.5, 0],
  ])('USACE at %f °C is %f', (t, f) => {
    const out = new Float64Array(1)
    solidFractionUsace(Float64Array.of(t), out)
    expect(out[0]).toBe(f)
  })

  it.each([
    [-2, 2, 0.5],
    [-3, 1, 0.75],
    [0, 5, 0],
    [1, 5, 0],
    [-5, 0, 1],
    [-5, -1, 1],
  ])('Hydrotel with Tmin %f, Tmax %f is %f', (lo, hi, f) => {
    const out = new Float64Array(1)
    solidFractionHydrotel(Float64Array.of(lo), Float64Array.of(hi), out)
    expect(out[0]).toBe(f)
  })

  it('uses Hydrotel only below 1500 m with Tmin and Tmax, as airGR', () => {
    expect(solidFractionMethod(1499, true)).toBe('Hydrotel')
    expect(solidFractionMethod(1500, true)).toBe('USACE')
    expect(solidFractionMethod(800, false)).toBe('USACE')
  })
})

describe('extrapolateLayers against airGR (L0123002, 5 layers)', () => {
  const layers = extrapolateLayers(forcing, { hypsometry, layers: 5 })
  const ref = readPeriodCsv(`reference/${ID}_layers.csv`)
  const first = meta.warmup.start_row_1based - 1
  const n = ref.dates.length

  it('takes the median of the hypsometry as input elevation and USACE as method', () => {
    expect(layers.zInputs).toBe(meta.cemaneige_setup.ZInputs_m)
    expect(layers.method).toBe('USACE')
  })

  it.each([
    ['in_Precip', 'precip'],
    ['in_TempMean', 'tempMean'],
    ['in_FracSolidPrecip', 'fracSolid'],
  ] as const)('reproduces %s of every layer', (column, key) => {
    for (let k = 0; k < 5; k++) {
      const got = layers[key][k]!.subarray(first, first + n)
      const expected = ref.columns.get(`L${k + 1}_${column}`)!
      const m = worstMismatch(got, expected, REL, ABS)
      expect(m.ratio, `L${k + 1}_${column} at row ${m.at}`).toBeLessThanOrEqual(1)
    }
  })

  it('gives the mean annual solid precipitation and melt threshold of the reference', () => {
    const masp = meanAnnualSolidPrecip(layers.precip, layers.fracSolid, DAYS_PER_YEAR)
    const expected = meta.MeanAnSolidPrecip_mm_per_year[0]
    expect(Math.abs(masp - expected)).toBeLessThanOrEqual(1e-12 * expected)
    const gthr = meta.Gthreshold_per_layer_mm[0]
    expect(Math.abs(MELT_THRESHOLD_SHARE * masp - gthr)).toBeLessThanOrEqual(1e-12 * gthr)
  })
})

describe('meanAnnualSolidPrecip', () => {
  it('averages the layers step by step, then over time, in mm/year', () => {
    const p = [Float64Array.of(2, 0, 4), Float64Array.of(4, 1, 8)]
    const f = [Float64Array.of(1, 1, 0.5), Float64Array.of(1, 0, 0.25)]
    expect(meanAnnualSolidPrecip(p, f, 365.25)).toBeCloseTo(((3 + 0 + 2) / 3) * 365.25, 10)
  })

  it('leaves out steps with a missing value', () => {
    const p = [Float64Array.of(2, NaN, 4)]
    const f = [Float64Array.of(1, 1, 0.5)]
    expect(meanAnnualSolidPrecip(p, f, 365.25)).toBe(2 * 365.25)
  })
})

describe('extrapolateLayers, other set-ups', () => {
  const short = {
    precip: Float64Array.of(0, 5, 12),
    temp: Float64Array.of(-4, 0.5, 6),
    times: Float64Array.of(utc('2001-01-30'), utc('2001-01-31'), utc('2001-02-01')),
  }

  it('leaves one layer at the median elevation as it is, without needing the dates', () => {
    const noTimes = { precip: short.precip, temp: short.temp }
    const l = extrapolateLayers(noTimes, { hypsometry, layers: 1 })
    expect(Array.from(l.precip[0]!)).toEqual(Array.from(short.precip))
    expect(Array.from(l.tempMean[0]!)).toEqual(Array.from(short.temp))
    expect(Array.from(l.fracSolid[0]!)).toEqual([1, 0.625, 0])
  })

  it('moves one layer away from the input elevation: same precipitation, shifted temperature', () => {
    const l = extrapolateLayers(short, { hypsometry, layers: 1, zInputs: 1136 })
    expect(Array.from(l.precip[0]!)).toEqual(Array.from(short.precip))
    expect(l.tempMean[0]![0]).toBe(-4 + (-500 * 0.48) / 100)
    expect(l.tempMean[0]![2]).toBe(6 + (-500 * 0.485) / 100)
  })

  it('needs the dates to extrapolate temperature', () => {
    const noTimes = { precip: short.precip, temp: short.temp }
    expect(() => extrapolateLayers(noTimes, { hypsometry, layers: 3 })).toThrow(/times/)
  })

  it('takes the solid fraction from Tmin and Tmax below 1500 m', () => {
    const l = extrapolateLayers(
      { ...short, tempMin: Float64Array.of(-8, -2, 1), tempMax: Float64Array.of(-1, 3, 9) },
      { hypsometry, layers: 2, zInputs: 1200 },
    )
    expect(l.method).toBe('Hydrotel')
    expect(l.fracSolid[0]![0]).toBe(1)
    // Layer 1 lies at 1340 m, 140 m above the input series: colder, so more of it is snow.
    expect(l.fracSolid[0]![1]).toBeGreaterThan(0.4)
    expect(l.fracSolid[0]![2]).toBe(0)
  })
})
