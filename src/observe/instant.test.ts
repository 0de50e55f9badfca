import { describe, expect, it } from 'vitest'
import { formatInstant, parseInstant } from './instant.ts'

const T0 = Date.UTC(2016, 5, 1)

describe('parseInstant', () => {
  it.each([
    ['2016-06-01T00:00:00Z', T0],
    ['2016-06-01T00:00Z', T0],
    ['2016-06-01 00:00:00z', T0],
    ['2016-06-01T02:00:00+02:00', T0],
    ['2016-06-01T02:00:00+0200', T0],
    ['2016-06-01T02:00+02', T0],
    ['2016-05-31T20:30:00-03:30', T0],
    ['2016-06-01T00:00:00.250Z', T0 + 250],
    ['2016-06-01T00:00:00.2509Z', T0 + 250],
    ['2016-06-01T00:00:00,5Z', T0 + 500],
    [T0, T0],
    [String(T0), T0],
    ['  2016-06-01T00:00:00Z ', T0],
  ])('reads %j', (input, t) => {
    expect(parseInstant(input)).toEqual({ ok: true, t })
  })

  it.each([
    [undefined, 'time is missing'],
    [null, 'time is missing'],
    ['', 'time is missing'],
    [true, 'time must be a string or a number, not a boolean'],
    [{}, 'time must be a string or a number, not an object'],
    ['2016-06-01T00:00:00', 'time "2016-06-01T00:00:00" has no UTC offset: add Z or ±hh:mm'],
    [
      '2016-06-01',
      'time "2016-06-01" is a date without a time of day and UTC offset (e.g. 2016-06-01T00:00:00Z)',
    ],
    [
      '01/06/2016 00:00',
      'time "01/06/2016 00:00" is neither ISO 8601 with an offset nor epoch milliseconds',
    ],
    ['2016-02-30T00:00:00Z', 'time "2016-02-30T00:00:00Z" has no such calendar date'],
    ['2016-13-01T00:00:00Z', 'time "2016-13-01T00:00:00Z" has no such calendar date'],
    ['2016-06-01T24:00:00Z', 'time "2016-06-01T24:00:00Z" has no such time of day'],
    ['2016-06-01T00:60:00Z', 'time "2016-06-01T00:60:00Z" has no such time of day'],
    [
      '2016-06-01T00:00:00+24:00',
      'time "2016-06-01T00:00:00+24:00" has an impossible UTC offset +24:00',
    ],
    [1.5e12 + 0.5, 'time 1500000000000.5 is not a whole number of milliseconds'],
    [NaN, 'time NaN is not a finite number of milliseconds'],
    [Infinity, 'time Infinity is not a finite number of milliseconds'],
    ['1700-01-01T00:00:00Z', 'time 1700-01-01T00:00:00Z is outside the years 1800–2199'],
    [Date.UTC(2200, 0, 1), 'time 7258118400000 is outside the years 1800–2199'],
  ])('refuses %j: %s', (input, reason) => {
    expect(parseInstant(input)).toEqual({ ok: false, reason })
  })
})

describe('formatInstant', () => {
  it('writes UTC ISO 8601, with milliseconds only when there are some', () => {
    expect(formatInstant(T0)).toBe('2016-06-01T00:00:00Z')
    expect(formatInstant(T0 + 5)).toBe('2016-06-01T00:00:00.005Z')
  })
})
