import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { formatIssue } from '../../core/result.ts'
import type { CapAlert, CapInfo } from './model.ts'
import { closedRing } from './model.ts'
import { checkCapProfile } from './profile.ts'
import { decodeXmlText, readCap, splitCapList } from './read.ts'
import { formatCapTime, parseCapTime } from './time.ts'
import { validateCapDocument } from './validate.ts'
import { writeCap } from './write.ts'
import { screenXml } from './xml-input.ts'
import { createCapXsdValidator } from './xsd.ts'

const xsd = createCapXsdValidator(
  readFileSync(new URL('../../../data/cap/CAP-v1.2.xsd', import.meta.url), 'utf8'),
)
afterAll(() => xsd.dispose())

const T0 = Date.UTC(2024, 5, 19, 15, 4, 5)

const info: CapInfo = {
  language: 'en-GB',
  categories: ['Met'],
  event: 'Flood warning',
  responseTypes: ['Prepare'],
  urgency: 'Expected',
  severity: 'Severe',
  certainty: 'Likely',
  eventCodes: [{ valueName: 'FRESHET', value: 'FLW' }],
  effective: { epochMs: T0, offsetMinutes: 0 },
  expires: { epochMs: T0 + 86_400_000, offsetMinutes: 0 },
  senderName: 'Freshet',
  headline: 'Flood warning for the Steeping',
  description: 'River levels are rising & will peak tonight.',
  instruction: 'Move valuables upstairs.',
  web: 'https://example.org/warnings/1',
  contact: '0345 988 1188',
  parameters: [],
  resources: [],
  areas: [
    {
      areaDesc: 'Wainfleet',
      polygons: [
        closedRing([
          { lat: 53.1, lon: 0.24 },
          { lat: 53.11, lon: 0.25 },
          { lat: 53.1, lon: 0.26 },
        ]),
      ],
      circles: [{ center: { lat: 53.1, lon: 0.25 }, radiusKm: 2 }],
      geocodes: [{ valueName: 'TargetAreaCode', value: '053FWFSTEEP4' }],
    },
  ],
}

const alert: CapAlert = {
  identifier: 'urn:oid:2.49.0.1.826.1.2024.1',
  sender: 'warnings@freshet.example',
  sent: { epochMs: T0, offsetMinutes: 0 },
  status: 'Actual',
  msgType: 'Alert',
  scope: 'Public',
  addresses: [],
  codes: [],
  references: [],
  incidents: [],
  infos: [info, { ...info, language: 'cy-GB', headline: 'Rhybudd llifogydd' }],
}

describe('CAP date-times', () => {
  it.each([
    [{ epochMs: T0, offsetMinutes: 0 }, '2024-06-19T15:04:05-00:00'],
    [{ epochMs: T0, offsetMinutes: 120 }, '2024-06-19T17:04:05+02:00'],
    [{ epochMs: T0, offsetMinutes: -330 }, '2024-06-19T09:34:05-05:30'],
  ])('writes %o as %s and reads it back', (t, s) => {
    expect(formatCapTime(t)).toBe(s)
    expect(parseCapTime(s)).toEqual(t)
  })
  it.each([
    '2024-06-19T15:04:05Z',
    '2024-06-19T15:04:05.5+00:00',
    '2024-06-19T15:04:05,00:00',
    '2003-14-02T14:39:01-05:00',
    '2024-02-30T00:00:00+00:00',
  ])('refuses %s', (s) => expect(parseCapTime(s)).toBeUndefined())
  it('reads +00:00 as UTC too', () => {
    expect(parseCapTime('2024-06-19T15:04:05+00:00')).toEqual({ epochMs: T0, offsetMinutes: 0 })
  })
  it('refuses fractions of a second when writing', () => {
    expect(() => formatCapTime({ epochMs: T0 + 1, offsetMinutes: 0 })).toThrow()
  })
})

describe('writeCap', () => {
  const xml = writeCap(alert)
  it('writes schema-valid XML that passes the publication profile', () => {
    expect(xsd.validate(xml)).toEqual([])
    const v = validateCapDocument(xml, xsd, { mode: 'publish' })
    expect(v.errors.map(formatIssue)).toEqual([])
  })
  it('writes lat,lon pairs and closes rings', () => {
    expect(xml).toContain('<polygon>53.1,0.24 53.11,0.25 53.1,0.26 53.1,0.24</polygon>')
    expect(xml).toContain('<circle>53.1,0.25 2</circle>')
    expect(xml).toContain('&amp; will peak')
  })
  it('reads back to the same model', () => {
    expect(readCap(xml)).toEqual({ ok: true, value: alert })
  })
  it('writes addresses with spaces in quotes and reads them back', () => {
    const a = { ...alert, scope: 'Private' as const, addresses: ['address 1', 'address2'] }
    const back = readCap(writeCap(a))
    expect(back.ok && back.value.addresses).toEqual(['address 1', 'address2'])
  })
})

describe('safe reading', () => {
  it('refuses external entities and DOCTYPE without fetching', () => {
    const xxe = readFileSync(
      new URL('../../../data/cap/examples/invalid/xxe-external-entities.xml', import.meta.url),
    )
    const r = readCap(xxe)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.issues.map((i) => i.message)).toContain('DOCTYPE declarations are refused')
    expect(xsd.validate(xxe).length).toBeGreaterThan(0)
  })
  it('refuses entity expansion (billion laughs)', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' +
      `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>`
    expect(screenXml(lol).ok).toBe(false)
    expect(validateCapDocument(lol, xsd).valid).toBe(false)
  })
  it('refuses XInclude', () => {
    const x = writeCap(alert).replace(
      '<scope>',
      '<x xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></x><scope>',
    )
    expect(readCap(x).ok).toBe(false)
  })
  it('refuses a document above the size limit', () => {
    const big = writeCap({ ...alert, note: 'x'.repeat(2000) })
    expect(readCap(big, { maxBytes: 1000 }).ok).toBe(false)
    expect(readCap(big).ok).toBe(true)
  })
  it('decodes only predefined entities and character references', () => {
    expect(decodeXmlText('a &amp; b &#233; &#x41;')).toBe('a & b é A')
    expect(decodeXmlText('&xxe;')).toBeUndefined()
    expect(decodeXmlText('a & b')).toBeUndefined()
  })
  it('splits quoted lists', () => {
    expect(splitCapList('"address 1" address2')).toEqual(['address 1', 'address2'])
    expect(splitCapList('"open')).toBeUndefined()
  })
  it('reports a malformed polygon and circle with their paths', () => {
    const x = writeCap(alert)
      .replace(/<polygon>[^<]*</, '<polygon>1, 2 3,4<')
      .replace(/<circle>[^<]*</, '<circle>1,2 3,4<')
    const r = readCap(x)
    expect(!r.ok && r.issues.map(formatIssue)).toEqual([
      'info[0].area[0].polygon[0]: not a list of "lat,lon" pairs',
      'info[0].area[0].circle[0]: not "lat,lon radius"',
    ])
  })
})

describe('checkCapProfile', () => {
  const errorsOf = (a: CapAlert, mode: 'receive' | 'publish' = 'receive'): string[] =>
    checkCapProfile(a, mode).errors.map(formatIssue)
  const withArea = (patch: Partial<CapInfo['areas'][number]>): CapAlert => ({
    ...alert,
    infos: [{ ...info, areas: [{ ...info.areas[0]!, ...patch }] }],
  })

  it('accepts our example in both modes', () => {
    expect(errorsOf(alert)).toEqual([])
    expect(errorsOf(alert, 'publish')).toEqual([])
  })
  it.each<[string, CapAlert, string]>([
    ['A1 identifier', { ...alert, identifier: 'a,b' }, 'identifier: empty or contains'],
    ['A1 sender', { ...alert, sender: 'a b' }, 'sender: empty or contains'],
    ['A4 update', { ...alert, msgType: 'Update' }, 'references: required for msgType Update'],
    ['A5 private', { ...alert, scope: 'Private' }, 'addresses: required with scope Private'],
    ['A5 restriction', { ...alert, restriction: 'x' }, 'restriction: only with scope Restricted'],
    [
      'A7 open ring',
      withArea({ polygons: [{ points: [1, 2, 3, 4].map((k) => ({ lat: k, lon: k * 2 })) }] }),
      'info[0].area[0].polygon[0]: ring not closed',
    ],
    [
      'A7 range',
      withArea({
        polygons: [
          closedRing([
            { lat: 300, lon: 200 },
            { lat: 1, lon: 1 },
            { lat: 2, lon: 0 },
          ]),
        ],
      }),
      'info[0].area[0].polygon[0]: pair 0 out of range',
    ],
    [
      'A8 radius',
      withArea({ circles: [{ center: { lat: 1, lon: 2 }, radiusKm: -3 }] }),
      'info[0].area[0].circle[0]: negative radius',
    ],
    ['A9 ceiling', withArea({ ceilingFt: 1 }), 'info[0].area[0].ceiling: ceiling without altitude'],
    [
      'A9 order',
      withArea({ altitudeFt: 5, ceilingFt: 1 }),
      'info[0].area[0].altitude: altitude above',
    ],
    ['A10 language', { ...alert, infos: [{ ...info, language: 'en_GB' }] }, 'info[0].language:'],
    [
      'A11 web',
      { ...alert, infos: [{ ...info, web: 'w' }] },
      'info[0].web: "w" is not an absolute',
    ],
  ])('%s', (_name, a, expected) => {
    expect(errorsOf(a).some((e) => e.startsWith(expected))).toBe(true)
  })
  it('requires in publication the same non-text fields in every language', () => {
    const second = {
      ...info,
      language: 'cy-GB',
      severity: 'Extreme' as const,
      categories: ['Env' as const],
    }
    expect(errorsOf({ ...alert, infos: [info, second] }, 'publish')).toEqual([
      'info[1].severity: differs from info[0]',
      'info[1].category: category set differs from info[0]',
    ])
  })
  it('requires in publication description, web, expires and areas', () => {
    const bare: CapInfo = { ...info, areas: [] }
    delete (bare as { description?: string }).description
    delete (bare as { web?: string }).web
    delete (bare as { expires?: unknown }).expires
    expect(errorsOf({ ...alert, infos: [bare] }, 'publish')).toEqual([
      'info[0].description: required for publication',
      'info[0].web: required for publication',
      'info[0].expires: required for publication',
      'info[0].area: at least one area',
    ])
    expect(errorsOf({ ...alert, infos: [] }, 'publish')).toEqual([
      'info: at least one info for publication',
    ])
  })
})
