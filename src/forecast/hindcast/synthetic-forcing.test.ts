import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import {
  DEFAULT_FORCING_ERRORS,
  checkForcingErrors,
  describeForcingErrors,
  issueSeed,
  precipSigmaAt,
  syntheticMembers,
} from './synthetic-forcing.ts'

const H = 10
const wet = new Float64Array(40).fill(10)
const pet = new Float64Array(40).fill(2)
const temp = new Float64Array(40).fill(4)

function draw(seed: number, members = 51, precip = wet) {
  return syntheticMembers(precip, pet, temp, 5, H, members, DEFAULT_FORCING_ERRORS, seededRng(seed))
}

/** Sd over members of log(P_member / P_observed) at each lead. */
function logSpread(p: readonly Float64Array[]): number[] {
  const out: number[] = []
  for (let j = 0; j < H; j++) {
    const v = p.map((m) => Math.log(m[j]! / 10))
    const mean = v.reduce((a, b) => a + b, 0) / v.length
    out.push(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)))
  }
  return out
}

describe('syntheticMembers', () => {
  it('is reproducible: the same seed gives the same members, another seed others', () => {
    const a = draw(3)
    const b = draw(3)
    const c = draw(4)
    expect(a.precip.map((m) => Array.from(m))).toEqual(b.precip.map((m) => Array.from(m)))
    expect(a.pet.map((m) => Array.from(m))).toEqual(b.pet.map((m) => Array.from(m)))
    expect(a.temp!.map((m) => Array.from(m))).toEqual(b.temp!.map((m) => Array.from(m)))
    expect(a.precip[0]![0]).not.toBe(c.precip[0]![0])
  })

  it('spreads precipitation more at every further lead, as stated', () => {
    const s = logSpread(draw(1, 4000).precip)
    for (let j = 1; j < H; j++) expect(s[j]!).toBeGreaterThan(s[j - 1]!)
    // The spread among members is √½ of the stated log-sd: the other half is the forecast's
    // shared miss.
    for (const j of [0, 9]) {
      const stated = precipSigmaAt(DEFAULT_FORCING_ERRORS, j + 1) / Math.SQRT2
      expect(Math.abs(s[j]! - stated) / stated).toBeLessThan(0.05)
    }
  })

  it('members differ from the observation by the stated log-sd, over many forecasts', () => {
    // Across forecasts (seeds), one member's log error has the full sd σ_h.
    const errs: number[][] = Array.from({ length: H }, () => [])
    for (let seed = 0; seed < 3000; seed++) {
      const p = draw(seed, 1).precip[0]!
      for (let j = 0; j < H; j++) errs[j]!.push(Math.log(p[j]! / 10))
    }
    for (const j of [0, 4, 9]) {
      const v = errs[j]!
      const mean = v.reduce((a, b) => a + b, 0) / v.length
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1))
      const stated = precipSigmaAt(DEFAULT_FORCING_ERRORS, j + 1)
      expect(Math.abs(sd - stated) / stated).toBeLessThan(0.05)
    }
  })

  it('keeps the mean precipitation (the factor has mean 1)', () => {
    const p = draw(2, 20000).precip
    for (const j of [0, 4]) {
      const mean = p.reduce((a, m) => a + m[j]!, 0) / p.length
      expect(Math.abs(mean - 10) / 10).toBeLessThan(0.05)
    }
  })

  it('makes rain on dry days more often at longer leads, never negative PET', () => {
    const dry = new Float64Array(40)
    const s = draw(5, 5000, dry)
    const rate = (j: number): number => s.precip.filter((m) => m[j]! > 0).length / 5000
    expect(rate(0)).toBeCloseTo(0.02, 2)
    expect(rate(9)).toBeCloseTo(0.2, 1)
    expect(s.pet.every((m) => m.every((v) => v >= 0))).toBe(true)
  })

  it('refuses a horizon past the forcing, and a bad error model', () => {
    expect(() =>
      syntheticMembers(wet, pet, undefined, 35, 10, 3, DEFAULT_FORCING_ERRORS, seededRng(1)),
    ).toThrow(InputError)
    expect(() => checkForcingErrors({ ...DEFAULT_FORCING_ERRORS, precipCorrelation: 1 })).toThrow(
      InputError,
    )
    expect(() => checkForcingErrors({ ...DEFAULT_FORCING_ERRORS, petSigmaDay1: -1 })).toThrow(
      InputError,
    )
  })

  it('has no temperature members without observed temperature', () => {
    const s = syntheticMembers(wet, pet, undefined, 0, 3, 2, DEFAULT_FORCING_ERRORS, seededRng(1))
    expect(s.temp).toBeNull()
  })
})

describe('issueSeed and the description', () => {
  it('gives distinct seeds to distinct issues and runs', () => {
    const seeds = new Set<number>()
    for (let i = 0; i < 1000; i++) seeds.add(issueSeed(1, i))
    for (let s = 0; s < 100; s++) seeds.add(issueSeed(s + 2, 0))
    expect(seeds.size).toBe(1100)
  })
  it('states the error model and the seed', () => {
    const d = describeForcingErrors(DEFAULT_FORCING_ERRORS, 17)
    expect(d).toMatch(/^synthetic members/)
    expect(d).toContain('seed 17')
    expect(d).toContain('0.3 + 0.08')
  })
})
