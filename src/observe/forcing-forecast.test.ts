import { describe, expect, it } from 'vitest'
import type { BasinId } from '../core/ids.ts'
import type { Issue } from '../core/result.ts'
import {
  parseForcingForecastCsv,
  parseForcingForecastJson,
  parseForcingForecastJsonText,
} from './forcing-forecast.ts'
import { oudinPetSteps } from './pet-oudin.ts'

const HOUR = 3_600_000
const ISSUE = Date.UTC(2016, 5, 1)
const SEINE = 'H010002001' as BasinId
const SITES = new Map([[SEINE, { latDeg: 47.996, lonDeg: 4.481 }]])

const base = {
  basin: 'H010002001',
  issueTime: '2016-06-01T00:00:00Z',
  stepHours: 6,
  source: 'ecmwf-ens',
  members: [
    { precip: [0, 1.5, 3, 0], temp: [12, 18, 20, 14] },
    { precip: [0.2, 0, 4, 1], temp: [11, 17, 21, 13] },
  ],
}

function issuesOf(r: { ok: boolean; issues?: readonly Issue[] }): readonly Issue[] {
  if (r.ok) throw new Error('expected a failure')
  return r.issues!
}

describe('parseForcingForecastJson', () => {
  it('reads members, computes Oudin PET at the basin’s site where none is given', () => {
    const r = parseForcingForecastJson(base, { sites: SITES })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const f = r.value
    expect(f.basinId).toBe(SEINE)
    expect(f.issueTime).toBe(ISSUE)
    expect(f.stepMs).toBe(6 * HOUR)
    expect(f.source).toBe('ecmwf-ens')
    expect(f.precip.map((a) => Array.from(a))).toEqual([
      [0, 1.5, 3, 0],
      [0.2, 0, 4, 1],
    ])
    expect(f.temp!.map((a) => Array.from(a))).toEqual([
      [12, 18, 20, 14],
      [11, 17, 21, 13],
    ])
    expect(f.petOrigin).toBe('oudin')
    const expected = new Float64Array(4)
    oudinPetSteps(ISSUE, 6 * HOUR, f.temp![0]!, SITES.get(SEINE)!, expected)
    expect(Array.from(f.pet![0]!)).toEqual(Array.from(expected))
    // Night step (00–06 UTC) gets little, the day's total is the Oudin PET of the mean 16 °C.
    expect(f.pet![0]![0]!).toBeLessThan(f.pet![0]![1]!)
  })

  it('keeps PET as given, and leaves it null without a site or temperature', () => {
    const given = parseForcingForecastJson(
      {
        ...base,
        members: base.members.map((m) => ({ ...m, pet: [0, 0.5, 0.6, 0.1] })),
      },
      { sites: SITES },
    )
    expect(given.ok && given.value.petOrigin).toBe('given')
    expect(given.ok && Array.from(given.value.pet![1]!)).toEqual([0, 0.5, 0.6, 0.1])
    const noSite = parseForcingForecastJson(base)
    expect(noSite.ok && [noSite.value.petOrigin, noSite.value.pet]).toEqual(['none', null])
    const noTemp = parseForcingForecastJson(
      { ...base, members: base.members.map((m) => ({ precip: m.precip })) },
      { sites: SITES },
    )
    expect(noTemp.ok && [noTemp.value.petOrigin, noTemp.value.temp]).toEqual(['none', null])
  })

  it('reads text and epoch issue times', () => {
    const r = parseForcingForecastJsonText(JSON.stringify({ ...base, issueTime: ISSUE }))
    expect(r.ok && r.value.issueTime).toBe(ISSUE)
    expect(issuesOf(parseForcingForecastJsonText('{'))[0]!.message).toMatch(/^not JSON/)
  })

  const m0 = base.members[0]!
  const cases: [string, unknown, Issue[]][] = [
    ['an array', [base], [{ path: [], message: 'a forecast must be an object, not an array' }]],
    [
      'no basin, bad step',
      { ...base, basin: undefined, stepHours: '6' },
      [
        { path: ['basin'], message: 'basin is missing' },
        { path: ['stepHours'], message: 'stepHours must be a number, not a string' },
      ],
    ],
    [
      'no issue time',
      { ...base, issueTime: undefined },
      [{ path: ['issueTime'], message: 'issueTime is missing' }],
    ],
    [
      'step 0',
      { ...base, stepHours: 0 },
      [{ path: ['stepHours'], message: 'stepHours must be > 0' }],
    ],
    [
      'step not whole ms',
      { ...base, stepHours: 1 / 7 },
      [
        {
          path: ['stepHours'],
          message: 'stepHours 0.14285714285714285 is not a whole number of ms',
        },
      ],
    ],
    ['empty source', { ...base, source: '' }, [{ path: ['source'], message: 'source is empty' }]],
    ['no members', { ...base, members: [] }, [{ path: ['members'], message: 'members is empty' }]],
    [
      'a member not an object',
      { ...base, members: [m0, 3] },
      [{ path: ['members', 1], message: 'a member must be an object, not a number' }],
    ],
    [
      'bad basin id',
      { ...base, basin: 'la Seine' },
      [
        {
          path: ['basin'],
          message: 'basin "la Seine" is not an identifier (1–64 of A–Z a–z 0–9 . _ : -)',
        },
      ],
    ],
    [
      'local issue time',
      { ...base, issueTime: '2016-06-01T00:00' },
      [
        {
          path: ['issueTime'],
          message: 'issueTime "2016-06-01T00:00" has no UTC offset: add Z or ±hh:mm',
        },
      ],
    ],
    [
      'values of every kind of wrong',
      {
        ...base,
        members: [
          { precip: [0, '1', -2, null], temp: [12, 285, 20, 14] },
          { precip: [0, 0, 0], temp: [1, 2, 3, 4], pet: [0, 0, 0, 0] },
        ],
      },
      [
        {
          path: ['members', 0, 'precip', 1],
          message: 'precip must be a JSON number, not a string: "1"',
        },
        { path: ['members', 0, 'precip', 2], message: 'precip -2 mm is negative' },
        { path: ['members', 0, 'precip', 3], message: 'precip is missing' },
        {
          path: ['members', 0, 'temp', 1],
          message: 'temperature 285 °C is outside -90…70 °C (kelvin?)',
        },
        { path: ['members', 1, 'precip'], message: 'precip has 3 steps, members[0].precip has 4' },
        { path: ['members', 1, 'pet'], message: 'pet is given while members[0] has none' },
      ],
    ],
    [
      'temperature on some members only',
      { ...base, members: [m0, { precip: [0, 0, 0, 0] }] },
      [{ path: ['members', 1, 'temp'], message: 'temp is missing while members[0] has it' }],
    ],
  ]
  it.each(cases)('refuses %s, with paths', (_name, body, issues) => {
    expect(issuesOf(parseForcingForecastJson(body, { sites: SITES }))).toEqual(issues)
  })

  it('refuses a forecast over the size limit', () => {
    expect(issuesOf(parseForcingForecastJson(base, { maxValues: 7 }))).toEqual([
      { path: ['members'], message: '2 members × 4 steps is over the limit of 7 values' },
    ])
  })

  it('refuses to compute PET on steps that do not divide a day, but reads them without a site', () => {
    const odd = { ...base, stepHours: 5 }
    expect(issuesOf(parseForcingForecastJson(odd, { sites: SITES }))).toEqual([
      {
        path: ['stepHours'],
        message:
          'cannot compute PET from temperature: a step of 5 h neither is a day nor divides one',
      },
    ])
    expect(parseForcingForecastJson(odd).ok).toBe(true)
  })

  it('stops listing problems after 50', () => {
    const r = parseForcingForecastJson({
      ...base,
      members: [{ precip: new Array(80).fill(-1), temp: new Array(80).fill(0) }],
    })
    const issues = issuesOf(r)
    expect(issues).toHaveLength(51)
    expect(issues[50]).toEqual({ path: [], message: '… and 30 more problems' })
  })
})

describe('parseForcingForecastCsv', () => {
  const header = 'basin,issue_time,member,lead,precip_mm,temp_c'
  const lines = (rows: string[]): string => [header, ...rows].join('\n')

  it('groups lines into one forecast per basin and issue time, members in numeric order', () => {
    const text = lines([
      'H010002001,2016-06-01T00:00:00Z,10,24,1.0,15',
      'H010002001,2016-06-01T00:00:00Z,2,24,3.0,16',
      'H010002001,2016-06-01T00:00:00Z,2,48,4.0,17',
      'H010002001,2016-06-01T00:00:00Z,10,48,2.0,14',
      'H120101001,2016-06-01T00:00:00Z,0,6,0.5,9',
      '',
    ])
    const r = parseForcingForecastCsv(text, { source: 'arome-pe', sites: SITES })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.value).toHaveLength(2)
    const [seine, aube] = r.value
    expect(seine!.basinId).toBe(SEINE)
    expect(seine!.stepMs).toBe(24 * HOUR)
    expect(seine!.source).toBe('arome-pe')
    expect(seine!.precip.map((a) => Array.from(a))).toEqual([
      [3, 4],
      [1, 2],
    ])
    expect(seine!.temp!.map((a) => Array.from(a))).toEqual([
      [16, 17],
      [15, 14],
    ])
    expect(seine!.petOrigin).toBe('oudin')
    expect(seine!.pet![0]![0]).toBeCloseTo(
      ((41.07 / 2.45) * (16 + 5)) / 100, // Re on 1 June at 48° N ≈ 41.07 MJ/m²/day
      2,
    )
    expect(aube!.basinId).toBe('H120101001')
    expect(aube!.stepMs).toBe(6 * HOUR)
    expect(aube!.petOrigin).toBe('none') // no site for the Aube
  })

  it('takes pet_mm when the column is there', () => {
    const text = [
      'member,lead,basin,issue_time,precip_mm,temp_c,pet_mm',
      '0,1,H010002001,2016-06-01T00:00:00Z,0,10,0.0',
      '0,2,H010002001,2016-06-01T00:00:00Z,0,11,0.1',
    ].join('\n')
    const r = parseForcingForecastCsv(text, { source: 'x', sites: SITES })
    expect(r.ok && [r.value[0]!.petOrigin, Array.from(r.value[0]!.pet![0]!)]).toEqual([
      'given',
      [0, 0.1],
    ])
    expect(r.ok && r.value[0]!.stepMs).toBe(HOUR)
  })

  it.each([
    [
      'header',
      'basin,issue_time,member,lead,precip,temp_c',
      [
        { path: ['f.csv:1'], message: 'unknown column "precip"' },
        { path: ['f.csv:1'], message: 'missing column "precip_mm"' },
      ],
    ],
    ['no data', header, [{ path: ['f.csv'], message: 'no data lines' }]],
    [
      'bad fields',
      lines([
        'la Seine,2016-06-01T00:00:00,a,0,x,-300',
        'H010002001,2016-06-01T00:00:00Z,0,6,-1,10',
        'H010002001,2016-06-01T00:00:00Z,0,6',
      ]),
      [
        { path: ['f.csv:2', 'basin'], message: 'basin "la Seine" is not an identifier' },
        {
          path: ['f.csv:2', 'issue_time'],
          message: 'time "2016-06-01T00:00:00" has no UTC offset: add Z or ±hh:mm',
        },
        { path: ['f.csv:2', 'member'], message: 'member "a" is not a whole number' },
        { path: ['f.csv:2', 'lead'], message: 'lead 0 h must be > 0' },
        { path: ['f.csv:2', 'precip_mm'], message: 'precip_mm is not a number: "x"' },
        {
          path: ['f.csv:2', 'temp_c'],
          message: 'temperature -300 °C is outside -90…70 °C (kelvin?)',
        },
        { path: ['f.csv:3', 'precip_mm'], message: 'precip -1 mm is negative' },
        { path: ['f.csv:4'], message: 'expected 6 fields, found 4' },
      ],
    ],
    [
      'duplicate lead',
      lines([
        'H010002001,2016-06-01T00:00:00Z,0,6,0,10',
        'H010002001,2016-06-01T00:00:00Z,0,6,1,10',
      ]),
      [{ path: ['f.csv:3', 'lead'], message: 'member 0 lead 6 h already on line 2' }],
    ],
    [
      'missing and uneven leads',
      lines([
        'H010002001,2016-06-01T00:00:00Z,0,6,0,10',
        'H010002001,2016-06-01T00:00:00Z,0,12,0,10',
        'H010002001,2016-06-01T00:00:00Z,0,18,0,10',
        'H010002001,2016-06-01T00:00:00Z,1,6,0,10',
        'H010002001,2016-06-01T00:00:00Z,1,15,0,10',
      ]),
      [
        {
          path: ['f.csv:6', 'lead'],
          message:
            'H010002001 issued 2016-06-01T00:00:00Z: lead 15 h is not a multiple of the step 6 h',
        },
        {
          path: ['f.csv:2'],
          message:
            'H010002001 issued 2016-06-01T00:00:00Z: member 1 has no line for lead 12, 18 h (step 6 h, 3 steps)',
        },
      ],
    ],
    [
      'step PET cannot be computed on',
      lines(['H010002001,2016-06-01T00:00:00Z,0,5,0,10']),
      [
        {
          path: ['f.csv:2'],
          message:
            'H010002001 issued 2016-06-01T00:00:00Z: cannot compute PET from temperature: a step of 5 h neither is a day nor divides one',
        },
      ],
    ],
  ])('refuses %s with lines and columns', (_name, text, issues) => {
    expect(
      issuesOf(parseForcingForecastCsv(text, { source: 'x', file: 'f.csv', sites: SITES })),
    ).toEqual(issues)
  })

  it('refuses text over the size limit', () => {
    const text = lines([
      'H010002001,2016-06-01T00:00:00Z,0,6,0,10',
      'H010002001,2016-06-01T00:00:00Z,0,12,0,10',
    ])
    expect(issuesOf(parseForcingForecastCsv(text, { source: 'x', maxValues: 1 }))).toEqual([
      { path: ['csv'], message: 'over the limit of 1 lines' },
    ])
  })
})
