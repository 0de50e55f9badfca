import { describe, expect, it } from 'vitest'
import { countSms, fitSms, smsEncoding } from './sms-segments.ts'

const a = (n: number): string => 'a'.repeat(n)
const ko = (n: number): string => '가'.repeat(n)

describe('countSms', () => {
  it.each([
    ['empty', '', 'gsm7', 0, 1],
    ['160 GSM', a(160), 'gsm7', 160, 1],
    ['161 GSM', a(161), 'gsm7', 161, 2],
    ['306 GSM', a(306), 'gsm7', 306, 2],
    ['307 GSM', a(307), 'gsm7', 307, 3],
    ['extension counts 2', '€'.repeat(80), 'gsm7', 160, 1],
    ['81 extension chars', '€'.repeat(81), 'gsm7', 162, 2],
    ['escape pair not split', a(152) + '€' + a(10), 'gsm7', 164, 2],
    ['escape pair pushed on', a(152) + '€' + a(152), 'gsm7', 306, 3],
    ['accented GSM', 'èéùìòÇØøÅåÄÖÑÜäöñüà', 'gsm7', 19, 1],
    ['70 Korean', ko(70), 'ucs2', 70, 1],
    ['71 Korean', ko(71), 'ucs2', 71, 2],
    ['134 Korean', ko(134), 'ucs2', 134, 2],
    ['135 Korean', ko(135), 'ucs2', 135, 3],
    ['one Korean forces UCS-2', a(69) + '가', 'ucs2', 70, 1],
    ['emoji is 2 units', '🌊'.repeat(35), 'ucs2', 70, 1],
    ['surrogate pair not split', a(66) + '🌊' + a(3), 'ucs2', 71, 2],
  ] as const)('%s', (_name, text, encoding, units, segments) => {
    expect(countSms(text)).toEqual({ encoding, units, segments })
  })
})

describe('smsEncoding', () => {
  it.each([
    ['Flood warning!', 'gsm7'],
    ['[{}]~|^\\€', 'gsm7'],
    ['홍수 경보', 'ucs2'],
    ['café', 'gsm7'],
    ['cafá', 'ucs2'],
  ] as const)('%j is %s', (text, enc) => {
    expect(smsEncoding(text)).toBe(enc)
  })
})

describe('fitSms', () => {
  it('leaves a text that fits unchanged', () => {
    expect(fitSms(a(306), 2)).toBe(a(306))
    expect(fitSms(ko(70), 1)).toBe(ko(70))
  })

  it('cuts GSM text on a word boundary with a GSM ellipsis', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')
    const cut = fitSms(words, 1)
    expect(cut.endsWith('...')).toBe(true)
    expect(countSms(cut)).toMatchObject({ encoding: 'gsm7', segments: 1 })
    const kept = cut.slice(0, -3)
    expect(words.startsWith(kept)).toBe(true)
    expect(words[kept.length]).toBe(' ')
    expect(kept.length).toBeGreaterThan(150)
  })

  it('cuts Korean text on a word boundary with …', () => {
    const text = Array.from({ length: 40 }, () => '홍수 경보').join(' ')
    const cut = fitSms(text, 2)
    expect(cut.endsWith('…')).toBe(true)
    expect(countSms(cut)).toMatchObject({ encoding: 'ucs2', segments: 2 })
    expect(text.startsWith(cut.slice(0, -1))).toBe(true)
    expect(text[cut.length - 1]).toBe(' ')
    expect(cut.length).toBeGreaterThan(125)
  })

  it('hard-cuts a single overlong word', () => {
    const cut = fitSms(a(500), 1)
    expect(cut).toBe(a(157) + '...')
  })

  it('counts extension characters as two when cutting', () => {
    const cut = fitSms('€'.repeat(200), 1)
    expect(cut).toBe('€'.repeat(78) + '...')
    expect(countSms(cut).units).toBe(159)
  })

  it('rejects a non-positive segment limit', () => {
    expect(() => fitSms('x', 0)).toThrow()
  })
})
