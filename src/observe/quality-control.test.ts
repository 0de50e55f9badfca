import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { SeriesId } from '../core/ids.ts'
import type { SeriesLookup } from './observation-batch.ts'
import type { QcConfig, QcContext } from './quality-control.ts'
import { DEFAULT_QC_CONFIG, makeQcConfig, qualityControl } from './quality-control.ts'
import type { Observation, SeriesKind, StoredObservation, Variable } from './types.ts'
import { QC, VARIABLE_UNITS } from './types.ts'

const SEED = 424242
const HOUR = 3_600_000
const T0 = Date.UTC(2016, 5, 1)
const NOW = (T0 + 1000 * HOUR) as EpochMs

const mk = (id: string, variable: Variable, kind: SeriesKind = 'observed') => ({
  id: id as SeriesId,
  variable,
  unit: VARIABLE_UNITS[variable],
  kind,
  stationId: null,
  basinId: null,
  stepMs: HOUR,
})
const Q = 'S:discharge' as SeriesId
const H = 'S:level' as SeriesId
const P = 'S:precip' as SeriesId
const TA = 'S:temp' as SeriesId
const E = 'S:pet' as SeriesId
const QF = 'S:discharge-forecast' as SeriesId
const LOOKUP: SeriesLookup = new Map(
  [
    mk(Q, 'discharge'),
    mk(H, 'water_level'),
    mk(P, 'precipitation'),
    mk(TA, 'temperature'),
    mk(E, 'pet'),
    mk(QF, 'discharge', 'forecast'),
  ].map((s) => [s.id, s]),
)
const CTX: QcContext = { series: LOOKUP }

const obs = (seriesId: SeriesId, hour: number, value: number, quality = 0): Observation => ({
  seriesId,
  t: (T0 + hour * HOUR) as EpochMs,
  value,
  quality,
})
const stored = (o: Observation): StoredObservation => ({ ...o, revision: 1, receivedAt: NOW })
const series = (id: SeriesId, values: readonly number[], fromHour = 0): Observation[] =>
  values.map((v, k) => obs(id, fromHour + k, v))

function qc(batch: readonly Observation[], config: QcConfig = DEFAULT_QC_CONFIG, ctx = CTX) {
  return qualityControl(batch, ctx, config, NOW)
}
const flagsOf = (batch: readonly Observation[], config?: QcConfig, ctx?: QcContext) =>
  qc(batch, config, ctx).observations.map((o) => o.quality)

describe('qualityControl: physical range (defaults)', () => {
  it.each([
    [Q, 0, 0],
    [Q, -0.001, QC.outOfRange],
    [Q, 100_000, 0],
    [Q, 100_000.5, QC.outOfRange],
    [H, -10, 0],
    [H, -10.01, QC.outOfRange],
    [H, 50.01, QC.outOfRange],
    [P, 500, 0],
    [P, 500.1, QC.outOfRange],
    [P, -0.1, QC.outOfRange],
    [TA, -60, 0],
    [TA, 60.5, QC.outOfRange],
    [TA, 283.15, QC.outOfRange],
    [E, 20.5, QC.outOfRange],
    [Q, NaN, QC.outOfRange],
    [Q, Infinity, QC.outOfRange],
  ])('%s = %d → %d', (id, value, flag) => {
    expect(flagsOf([obs(id, 0, value)])).toEqual([flag])
  })

  it('says why', () => {
    expect(qc([obs(Q, 0, -1), obs(TA, 0, 283.15), obs(Q, 1, NaN)]).findings).toEqual([
      {
        index: 0,
        seriesId: Q,
        t: T0,
        check: 'outOfRange',
        flag: QC.outOfRange,
        reason: 'discharge -1 m3/s is below the minimum 0 m3/s',
      },
      {
        index: 1,
        seriesId: TA,
        t: T0,
        check: 'outOfRange',
        flag: QC.outOfRange,
        reason: 'temperature 283.15 degC is above the maximum 60 degC',
      },
      {
        index: 2,
        seriesId: Q,
        t: T0 + HOUR,
        check: 'outOfRange',
        flag: QC.outOfRange,
        reason: 'discharge value NaN is not finite',
      },
    ])
  })

  it('takes a station’s own limits over its variable’s', () => {
    const config = makeQcConfig({ series: new Map([[Q, { range: { min: 0, max: 350 } }]]) })
    expect(flagsOf([obs(Q, 0, 400), obs(QF, 0, 400)], config)).toEqual([QC.outOfRange, 0])
  })

  it('can be switched off per variable', () => {
    const config = makeQcConfig({ variables: { temperature: { range: null } } })
    expect(flagsOf([obs(TA, 0, 283.15)], config)).toEqual([0])
  })
})

describe('qualityControl: rate of change', () => {
  it('flags a water level rising over 2 m/h, with the reason', () => {
    const r = qc(series(H, [1, 2.9, 5.0]))
    expect(r.observations.map((o) => o.quality)).toEqual([0, 0, QC.rateOfChange])
    expect(r.findings).toEqual([
      {
        index: 2,
        seriesId: H,
        t: T0 + 2 * HOUR,
        check: 'rateOfChange',
        flag: QC.rateOfChange,
        reason:
          'changed by +2.1 m since 2.9 at 2016-06-01T01:00:00Z (2.1 m/h, 72.4138 %/h): over 2 m/h',
      },
    ])
  })

  it('divides by the hours between values', () => {
    expect(flagsOf([obs(H, 0, 1), obs(H, 3, 6.9)])).toEqual([0, 0])
    expect(flagsOf([obs(H, 0, 1), obs(H, 3, 7.1)])).toEqual([0, QC.rateOfChange])
  })

  it('counts intervals under an hour as an hour', () => {
    const five = (k: number, v: number): Observation => ({
      seriesId: H,
      t: (T0 + k * 300_000) as EpochMs,
      value: v,
      quality: 0,
    })
    expect(flagsOf([five(0, 1), five(1, 2.9), five(2, 5.1)])).toEqual([0, 0, QC.rateOfChange])
  })

  it('flags discharge only when both the absolute and the relative limit are exceeded', () => {
    // 1 → 3: +200 %/h but +2 m3/s/h; 1000 → 1500: +500 m3/s/h but +50 %/h; 100 → 1000: both.
    expect(flagsOf(series(Q, [1, 3.5]))).toEqual([0, 0])
    expect(flagsOf(series(Q, [1000, 1500]))).toEqual([0, 0])
    expect(flagsOf(series(Q, [100, 1000]))).toEqual([0, QC.rateOfChange])
    expect(qc(series(Q, [100, 1000])).findings[0]!.reason).toBe(
      'changed by +900 m3/s since 100 at 2016-06-01T00:00:00Z (900 m3/s/h, 900 %/h): over 100 m3/s/h and 200 %/h',
    )
    // From zero the relative change is infinite.
    expect(flagsOf(series(Q, [0, 150]))).toEqual([0, QC.rateOfChange])
  })

  it('flags a spike and the return from it, compared with the last in-range value', () => {
    expect(flagsOf(series(H, [1, 9, 1.2]))).toEqual([0, QC.rateOfChange, QC.rateOfChange])
    // An out-of-range value is skipped: the next one is compared with the one before it.
    expect(flagsOf(series(H, [1, 99, 1.2]))).toEqual([0, QC.outOfRange, 0])
  })

  it('looks back into the stored values given as context', () => {
    const ctx: QcContext = { series: LOOKUP, recent: new Map([[H, [stored(obs(H, 0, 1))]]]) }
    expect(flagsOf([obs(H, 1, 4)], DEFAULT_QC_CONFIG, ctx)).toEqual([QC.rateOfChange])
    expect(flagsOf([obs(H, 1, 2)], DEFAULT_QC_CONFIG, ctx)).toEqual([0])
  })

  it('is off for precipitation', () => {
    expect(flagsOf(series(P, [0, 120, 0]))).toEqual([0, 0, 0])
  })
})

describe('qualityControl: flat line', () => {
  const config = makeQcConfig({ variables: { water_level: { flatLine: { n: 4, except: [] } } } })

  it('flags every value of a run of n identical values, none of a shorter one', () => {
    expect(flagsOf(series(H, [1, 2, 2, 2, 3]), config)).toEqual([0, 0, 0, 0, 0])
    expect(flagsOf(series(H, [1, 2, 2, 2, 2, 3]), config)).toEqual([
      0,
      QC.flatLine,
      QC.flatLine,
      QC.flatLine,
      QC.flatLine,
      0,
    ])
    expect(qc(series(H, [2, 2, 2, 2]), config).findings[0]!.reason).toBe(
      '4 consecutive values equal to 2 m from 2016-06-01T00:00:00Z to 2016-06-01T03:00:00Z: a flat line from 4',
    )
  })

  it('uses 24 by default and leaves runs of zero rain and zero flow alone', () => {
    expect(flagsOf(series(TA, new Array<number>(23).fill(4))).every((f) => f === 0)).toBe(true)
    expect(flagsOf(series(TA, new Array<number>(24).fill(4))).every((f) => f === QC.flatLine)).toBe(
      true,
    )
    expect(flagsOf(series(P, new Array<number>(48).fill(0))).every((f) => f === 0)).toBe(true)
    expect(
      flagsOf(series(P, new Array<number>(24).fill(0.2))).every((f) => f === QC.flatLine),
    ).toBe(true)
    expect(flagsOf(series(Q, new Array<number>(48).fill(0))).every((f) => f === 0)).toBe(true)
  })

  it('counts the stored values before the batch, without flagging them', () => {
    const ctx: QcContext = {
      series: LOOKUP,
      recent: new Map([[H, series(H, [2, 2]).map(stored)]]),
    }
    const r = qc(series(H, [2, 2, 3], 2), config, ctx)
    expect(r.observations.map((o) => o.quality)).toEqual([QC.flatLine, QC.flatLine, 0])
    expect(r.findings.map((f) => f.index)).toEqual([0, 1])
  })
})

describe('qualityControl: times in the future', () => {
  it('flags observed values later than now + 5 min, not forecasts', () => {
    const at = (id: SeriesId, ms: number): Observation => ({
      seriesId: id,
      t: (NOW + ms) as EpochMs,
      value: 1,
      quality: 0,
    })
    const r = qc([at(H, 300_000), at(H, 300_001), at(QF, 10 * HOUR), at(H, 26 * HOUR + 60_000)])
    expect(r.observations.map((o) => o.quality & QC.future)).toEqual([0, QC.future, 0, QC.future])
    expect(r.findings.filter((f) => f.check === 'future').map((f) => f.reason)).toEqual([
      'time 2016-07-12T16:05:00.001Z is 5 min after now (2016-07-12T16:00:00Z), tolerance 5 min',
      'time 2016-07-13T18:01:00Z is 26 h 1 min after now (2016-07-12T16:00:00Z), tolerance 5 min',
    ])
  })

  it('takes the tolerance from the configuration', () => {
    const config = makeQcConfig({ futureToleranceMs: 0 })
    expect(
      flagsOf([{ seriesId: H, t: (NOW + 1) as EpochMs, value: 1, quality: 0 }], config),
    ).toEqual([QC.future])
  })
})

describe('qualityControl: duplicates in a batch', () => {
  it('lets the last one win and flags the others, saying which wins', () => {
    const batch = [obs(H, 0, 1), obs(H, 1, 2), obs(P, 1, 0), obs(H, 1, 2.5), obs(H, 1, 2.2)]
    const r = qc(batch)
    expect(r.observations.map((o) => o.quality)).toEqual([
      0,
      QC.duplicateInBatch,
      0,
      QC.duplicateInBatch,
      0,
    ])
    expect(r.findings.map((f) => [f.index, f.reason])).toEqual([
      [1, 'same series and time as index 4, which wins'],
      [3, 'same series and time as index 4, which wins'],
    ])
  })

  it('leaves the losers out of rate and flat-line sequences', () => {
    // Without the rule, 9 would be a spike between 1 and 1.5 for the rate check.
    expect(flagsOf([obs(H, 0, 1), obs(H, 1, 9), obs(H, 1, 1.5)])).toEqual([
      0,
      QC.duplicateInBatch,
      0,
    ])
  })
})

describe('qualityControl: what it keeps', () => {
  it('never changes values and keeps bits it does not own (manual)', () => {
    const batch = [obs(H, 0, 1, QC.manual | QC.rateOfChange), obs(H, 1, 99, QC.manual)]
    const r = qc(batch)
    expect(r.observations).toEqual([
      obs(H, 0, 1, QC.manual),
      obs(H, 1, 99, QC.manual | QC.outOfRange),
    ])
  })

  it('ignores a stored value at a time the batch has (it is being replaced)', () => {
    const ctx: QcContext = { series: LOOKUP, recent: new Map([[H, [stored(obs(H, 0, 40))]]]) }
    expect(flagsOf([obs(H, 0, 1), obs(H, 1, 1.5)], DEFAULT_QC_CONFIG, ctx)).toEqual([0, 0])
  })

  it('throws on an observation of a series it is not given', () => {
    expect(() => qc([obs('S:other' as SeriesId, 0, 1)])).toThrow(
      /unknown series S:other at index 0/,
    )
  })
})

describe('makeQcConfig', () => {
  it('replaces the checks given and keeps the others', () => {
    const c = makeQcConfig({ variables: { discharge: { range: { min: 0, max: 10 } } } })
    expect(c.variables.discharge.range).toEqual({ min: 0, max: 10 })
    expect(c.variables.discharge.rate).toEqual(DEFAULT_QC_CONFIG.variables.discharge.rate)
    expect(c.variables.temperature).toEqual(DEFAULT_QC_CONFIG.variables.temperature)
  })
  it.each([
    [{ variables: { discharge: { range: { min: 1, max: 0 } } } }, /min must be ≤ max/],
    [
      { variables: { discharge: { rate: { maxAbsPerHour: 0, maxRelPerHour: null } } } },
      /must be > 0/,
    ],
    [{ variables: { discharge: { flatLine: { n: 1, except: [] } } } }, /integer ≥ 2/],
    [{ series: new Map([[Q, { flatLine: { n: 2.5, except: [] } }]]) }, /series S:discharge/],
    [{ futureToleranceMs: -1 }, /futureToleranceMs/],
    [{ rateMinIntervalMs: 0 }, /rateMinIntervalMs/],
  ])('refuses %j', (changes, message) => {
    expect(() => makeQcConfig(changes)).toThrow(message)
  })
})

// ---- properties (fixed seed) ----

const SMALL = makeQcConfig({
  variables: {
    discharge: { flatLine: { n: 3, except: [0] } },
    water_level: { flatLine: { n: 3, except: [] } },
    temperature: { flatLine: { n: 3, except: [] } },
  },
})
const IDS = [Q, H, TA, QF]
const VALUES = [0, 0.5, 1, 1, 1, 2, 3, 40, 150, 5000, -1, 200_000]

/** Random batches in time order per series, with repeated times, values and gaps. */
const batches = fc
  .array(
    fc.record({
      s: fc.integer({ min: 0, max: IDS.length - 1 }),
      dt: fc.constantFrom(0, 1, 1, 1, 2, 5),
      v: fc.constantFrom(...VALUES),
    }),
    { maxLength: 80 },
  )
  .map((steps) => {
    const t = new Map<SeriesId, number>()
    return steps.map(({ s, dt, v }) => {
      const id = IDS[s]!
      const hour = (t.get(id) ?? 990) + dt
      t.set(id, hour)
      return obs(id, hour, v)
    })
  })

/** What a store would hold after writing the batch: the last value per series and time. */
function asStored(batch: readonly Observation[]): Map<SeriesId, StoredObservation[]> {
  const last = new Map<string, Observation>()
  for (const o of batch) last.set(`${o.seriesId}@${o.t}`, o)
  const m = new Map<SeriesId, StoredObservation[]>()
  for (const o of last.values()) {
    const list = m.get(o.seriesId) ?? []
    list.push(stored(o))
    m.set(o.seriesId, list)
  }
  return m
}

describe('qualityControl: properties (fixed seed)', () => {
  it('never removes, reorders or changes an observation, only its flags', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const r = qc(batch, SMALL)
        expect(r.observations.length).toBe(batch.length)
        r.observations.forEach((o, i) => {
          expect([o.seriesId, o.t, o.value]).toEqual([
            batch[i]!.seriesId,
            batch[i]!.t,
            batch[i]!.value,
          ])
        })
        // Each finding matches a set bit, and each set bit has its finding.
        const bits = new Array<number>(batch.length).fill(0)
        for (const f of r.findings) {
          expect(f.reason.length).toBeGreaterThan(0)
          expect(bits[f.index]! & f.flag).toBe(0)
          bits[f.index]! |= f.flag
        }
        expect(bits).toEqual(r.observations.map((o) => o.quality))
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('gives the same flags when run again on its own output', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const once = qc(batch, SMALL)
        const twice = qc(once.observations, SMALL)
        expect(twice).toEqual(once)
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('flags nothing new when the batch is re-checked with itself stored as context', () => {
    fc.assert(
      fc.property(batches, (batch) => {
        const alone = qc(batch, SMALL)
        const again = qc(batch, SMALL, { series: LOOKUP, recent: asStored(batch) })
        expect(again).toEqual(alone)
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('flags the second half of a batch alike whether checked whole or after the first half is stored', () => {
    fc.assert(
      fc.property(batches, fc.nat(), (batch, cut) => {
        const k = batch.length === 0 ? 0 : cut % (batch.length + 1)
        const whole = qc(batch, SMALL).observations.slice(k)
        const first = batch.slice(0, k)
        const second = qc(batch.slice(k), SMALL, { series: LOOKUP, recent: asStored(first) })
        expect(second.observations.map((o) => o.quality)).toEqual(whole.map((o) => o.quality))
      }),
      { seed: SEED, numRuns: 300 },
    )
  })
})
