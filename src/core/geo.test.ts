import { describe, expect, it } from 'vitest'
import { formatIssue } from './result.ts'
import { latLonIssues, latLonOf, type LatLon } from './geo.ts'

const issuesOf = (p: unknown): string[] =>
  latLonIssues(p as LatLon, ['shelters', 2, 'location'], 'shelter s1').map(formatIssue)

describe('latLonIssues', () => {
  it('accepts the corners and the middle of the range', () => {
    for (const p of [
      { lat: 0, lon: 0 },
      { lat: -90, lon: -180 },
      { lat: 90, lon: 180 },
      { lat: 48.2973, lon: 4.0744 },
    ])
      expect(issuesOf(p), JSON.stringify(p)).toEqual([])
  })

  it.each([
    [
      { lat: 90.0001, lon: 0 },
      'shelters[2].location.lat: shelter s1: must be a latitude in [-90, 90] degrees, got 90.0001',
    ],
    [
      { lat: -91, lon: 0 },
      'shelters[2].location.lat: shelter s1: must be a latitude in [-90, 90] degrees, got -91',
    ],
    [
      { lat: 0, lon: 180.5 },
      'shelters[2].location.lon: shelter s1: must be a longitude in [-180, 180] degrees, got 180.5',
    ],
    [
      { lat: 0, lon: -181 },
      'shelters[2].location.lon: shelter s1: must be a longitude in [-180, 180] degrees, got -181',
    ],
    [
      { lat: Number.NaN, lon: 0 },
      'shelters[2].location.lat: shelter s1: must be a latitude in [-90, 90] degrees, got NaN',
    ],
    [
      { lat: 0, lon: Number.POSITIVE_INFINITY },
      'shelters[2].location.lon: shelter s1: must be a longitude in [-180, 180] degrees, got Infinity',
    ],
    [
      { lat: '48', lon: 2 },
      'shelters[2].location.lat: shelter s1: must be a latitude in [-90, 90] degrees, got 48',
    ],
    [
      { lat: 48 },
      'shelters[2].location.lon: shelter s1: a location needs both lat and lon; lon is missing',
    ],
    [
      { lon: 2, lat: null },
      'shelters[2].location.lat: shelter s1: a location needs both lat and lon; lat is missing',
    ],
  ])('refuses %j', (p, message) => {
    expect(issuesOf(p)).toEqual([message])
  })

  it('reports both coordinates when both are wrong', () => {
    expect(issuesOf({ lat: 100, lon: 200 }).map((m) => m.split(':')[0])).toEqual([
      'shelters[2].location.lat',
      'shelters[2].location.lon',
    ])
  })
})

describe('latLonOf', () => {
  it('gives the point for two values and nothing for two nulls', () => {
    expect(latLonOf(48.5, 2.6)).toEqual({ lat: 48.5, lon: 2.6 })
    expect(latLonOf(0, 0)).toEqual({ lat: 0, lon: 0 })
    expect(latLonOf(null, null)).toBeUndefined()
  })

  it('throws on one value without the other', () => {
    expect(() => latLonOf(48.5, null)).toThrow(/both lat and lon/)
    expect(() => latLonOf(null, 2.6)).toThrow(/both lat and lon/)
  })
})
