import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readReference } from '../../../test/support/airgr-reference.ts'
import { InputError } from '../../core/errors.ts'
import type { TimeStep } from '../models/types.ts'
import type { ModelFamily } from './transforms.ts'
import {
  DEFAULT_TRANSFORMED_BOUND,
  defaultSearchRanges,
  defaultStartGrid,
  paramTransform,
  parameterFamilies,
  toReal,
  toTransformed,
  transformsFor,
} from './transforms.ts'

const gr4j = { paramNames: ['X1', 'X2', 'X3', 'X4'], timeStep: 'daily' as TimeStep }

const FAMILIES: readonly [ModelFamily, readonly string[]][] = [
  ['GR4J', ['X1', 'X2', 'X3', 'X4']],
  ['GR5J', ['X1', 'X2', 'X3', 'X4', 'X5']],
  ['GR6J', ['X1', 'X2', 'X3', 'X4', 'X5', 'X6']],
  ['GR4H', ['X1', 'X2', 'X3', 'X4']],
  ['GR5H', ['X1', 'X2', 'X3', 'X4', 'X5']],
  ['CemaNeige', ['CNX1', 'CNX2', 'CNX3', 'CNX4']],
]

describe('parameter transforms', () => {
  it("give airGR's default GR4J grid and search ranges to the bit", () => {
    const cal = readReference('gr4j_L0123001_calib_kge').meta.calibration
    expect(defaultStartGrid(gr4j)).toEqual(cal.start_param_distrib_real_space)
    expect(defaultSearchRanges(transformsFor(gr4j))).toEqual(cal.search_ranges_real_space)
  })

  it("map airGR's final transformed GR4J parameters to its real ones", () => {
    for (const id of ['gr4j_L0123001_calib_kge', 'gr4j_L0123001_calib_nse']) {
      const cal = readReference(id).meta.calibration
      const real = toReal(transformsFor(gr4j), cal.param_final_transformed)
      const expected = [
        cal.param_final.X1,
        cal.param_final.X2,
        cal.param_final.X3,
        cal.param_final.X4,
      ]
      real.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
    }
  })

  it('pick the family from the parameter names and the time step', () => {
    const fam = (names: string[], step: TimeStep): ModelFamily[] => parameterFamilies(names, step)
    expect(fam(['X1', 'X2', 'X3', 'X4'], 'daily')).toEqual(Array(4).fill('GR4J'))
    expect(fam(['X1', 'X2', 'X3', 'X4', 'X5'], 'daily')[4]).toBe('GR5J')
    expect(fam(['X1', 'X2', 'X3', 'X4', 'X5', 'X6'], 'daily')[5]).toBe('GR6J')
    expect(fam(['X1', 'X2', 'X3', 'X4'], 'hourly')[0]).toBe('GR4H')
    expect(fam(['X1', 'X2', 'X3', 'X4', 'X5'], 'hourly')[0]).toBe('GR5H')
    expect(fam(['X1', 'X2', 'X3', 'X4', 'CNX1', 'CNX2'], 'daily')).toEqual([
      ...Array(4).fill('GR4J'),
      'CemaNeige',
      'CemaNeige',
    ])
    expect(
      fam(['X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'CNX1', 'CNX2', 'CNX3', 'CNX4'], 'daily')[9],
    ).toBe('CemaNeige')
    expect(() => fam(['X1', 'X2', 'X3', 'X4', 'X5', 'X6'], 'hourly')).toThrow(InputError)
    expect(() => fam(['X1', 'X2', 'X3', 'Y4'], 'daily')).toThrow(InputError)
  })

  it('differ where airGR differs: X5 of GR5J and GR6J, X1, X2, X4 of GR4H and GR5H', () => {
    expect(paramTransform('GR5J', 'X5').toReal(9.99)).toBe(1)
    expect(paramTransform('GR6J', 'X5').toReal(9.99)).toBeCloseTo(1.998, 14)
    expect(paramTransform('GR4H', 'X2').toReal(3)).toBeCloseTo(Math.sinh(1), 14)
    expect(paramTransform('GR5H', 'X2').toReal(3)).toBeCloseTo(Math.sinh(3), 14)
    expect(paramTransform('GR4H', 'X4').toReal(-9.99)).toBeCloseTo(0.5, 12)
    expect(paramTransform('GR4H', 'X4').toReal(9.99)).toBe(480)
    expect(paramTransform('GR5H', 'X4').toReal(10)).toBe(480)
    expect(paramTransform('CemaNeige', 'CNX1').toReal(-9.99)).toBe(0)
    expect(paramTransform('CemaNeige', 'CNX2').toReal(Math.log(200))).toBeCloseTo(1, 14)
  })

  it('give three starting values per parameter, GR5H with and without interception', () => {
    const gr5h = { paramNames: ['X1', 'X2', 'X3', 'X4', 'X5'], timeStep: 'hourly' as TimeStep }
    const plain = defaultStartGrid(gr5h)
    const withInt = defaultStartGrid(gr5h, { interception: true })
    expect(plain.every((r) => r.length === 3)).toBe(true)
    expect(plain[0]![0]).toBeCloseTo(Math.exp(3.28), 12)
    expect(withInt[0]![0]).toBeCloseTo(Math.exp(3.46), 12)
    const snow = defaultStartGrid({
      paramNames: ['X1', 'X2', 'X3', 'X4', 'CNX1', 'CNX2'],
      timeStep: 'daily',
    })
    expect(snow[4]![0]).toBeCloseTo(0.0015015015015015, 12)
  })

  it.each(FAMILIES)('round-trip and increase for %s (property, fixed seed)', (family, names) => {
    const trs = names.map((n) => paramTransform(family, n))
    const b = DEFAULT_TRANSFORMED_BOUND
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: names.length - 1 }),
        fc.double({ min: -b, max: b, noNaN: true }),
        fc.double({ min: -b, max: b, noNaN: true }),
        (i, t, u) => {
          const tr = trs[i]!
          const x = tr.toReal(t)
          expect(Math.abs(tr.toTransformed(x) - t)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(t)))
          expect(Math.abs(tr.toReal(tr.toTransformed(x)) - x)).toBeLessThanOrEqual(
            1e-12 * (1 + Math.abs(x)),
          )
          if (t < u) expect(tr.toReal(t)).toBeLessThanOrEqual(tr.toReal(u))
        },
      ),
      { seed: 20240611, numRuns: 500 },
    )
  })

  it('convert whole vectors both ways', () => {
    const trs = transformsFor(gr4j)
    const real = Float64Array.of(350, -0.5, 90, 1.7)
    const back = toReal(trs, toTransformed(trs, real))
    back.forEach((v, i) => expect(v).toBeCloseTo(real[i]!, 12))
  })
})
