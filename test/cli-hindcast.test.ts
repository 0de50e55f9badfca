import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, freshet, tempDir, tempFiles } from './support/cli.ts'

const SPEC = join(ROOT, 'data', 'demo', 'blue-river-gr4j.json')
const SHORT = ['--from', '2000-01-01', '--to', '2000-04-30', '--every', '4', '--members', '9']

describe('freshet hindcast', () => {
  it('writes the scores per lead time as CSV and a self-contained HTML report', () => {
    const dir = tempDir()
    const csv = join(dir, 'scores.csv')
    const html = join(dir, 'report.html')
    const warnCsv = join(dir, 'warnings.csv')
    const r = freshet([
      'hindcast',
      SPEC,
      ...SHORT,
      '--horizon',
      '5',
      '--csv',
      csv,
      '--warnings-csv',
      warnCsv,
      '--report',
      html,
    ])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('31 forecasts issued 2000-01-01..2000-04-30')
    expect(r.stdout).toMatch(/NOTE: synthetic members/)
    expect(r.stdout).toMatch(
      /day-1 CRPS with EnKF on Prod and Rout: [\d.]+ mm\/day .*without update: [\d.]+ mm\/day/,
    )

    // The warning rules replayed over the forecasts, verified per level.
    expect(r.stdout).toMatch(
      /warning thresholds Q2, Q5, Q20, Q50: 2-, 5-, 20-, 50-year return levels .* Gumbel fitted by L-moments: Q2 [\d.]+ m³\/s/,
    )
    expect(r.stdout).toContain('approved at once by the system account')
    expect(r.stdout).toMatch(/warnings, EnKF on Prod and Rout: \d+ warning\(s\) issued/)
    expect(r.stdout).toMatch(/warnings, no update \(open loop\): \d+ warning\(s\) issued/)
    expect(r.stdout).toMatch(
      /^level +threshold +events +hits +misses +false +POD +FAR +CSI +ahead +late +POD ahead +median lead \(d\)$/m,
    )
    for (const level of ['advisory  Q2', 'warning   Q5', 'severe    Q20', 'emergency Q50'])
      expect(r.stdout).toMatch(new RegExp(`^${level} [\\d.]+ m³/s +\\d+ +\\d+ +\\d+ +\\d+ `, 'm'))
    const warnLines = readFileSync(warnCsv, 'utf8').trimEnd().split('\n')
    expect(warnLines[0]).toBe(
      'variant,level,threshold_name,threshold,unit,observed_events,hits,misses,false_alarms,pod,far,csi,hits_ahead,hits_late,pod_ahead,median_lead_days,tolerance_days,warnings_issued,members',
    )
    expect(warnLines.slice(1).map((l) => l.split(',').slice(0, 3).join(':'))).toEqual([
      'enkf:advisory:Q2',
      'enkf:warning:Q5',
      'enkf:severe:Q20',
      'enkf:emergency:Q50',
      'none:advisory:Q2',
      'none:warning:Q5',
      'none:severe:Q20',
      'none:emergency:Q50',
    ])

    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n')
    expect(lines[0]!.split(',')).toEqual([
      'variant',
      'lead_days',
      'n',
      'crps_mm',
      'crps_persistence_mm',
      'crps_climatology_mm',
      'crpss_persistence',
      'crpss_climatology',
      'spread_mm',
      'rmse_mean_mm',
      'spread_rmse_ratio',
      'pod_Q90',
      'far_Q90',
      'csi_Q90',
      'pod_Q95',
      'far_Q95',
      'csi_Q95',
      'pod_Q99',
      'far_Q99',
      'csi_Q99',
      'members',
    ])
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows.map((c) => `${c[0]}:${c[1]}`)).toEqual([
      ...[1, 2, 3, 4, 5].map((l) => `enkf:${l}`),
      ...[1, 2, 3, 4, 5].map((l) => `none:${l}`),
    ])
    for (const c of rows) {
      expect(c.length).toBe(21)
      expect(Number(c[2])).toBeGreaterThan(0)
      expect(Number(c[3])).toBeGreaterThanOrEqual(0)
      expect(c[20]).toMatch(/^synthetic/)
    }

    const page = readFileSync(html, 'utf8')
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(page).toContain('<svg')
    expect(page).toContain('Synthetic forecasts')
    expect(page).toContain('<h2>Warnings</h2>')
    expect(page).toMatch(/warning level in force/)
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/<link/i)
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i)
    expect(page).not.toMatch(/url\(/i)
    expect(page).not.toMatch(/@import/i)
  })

  it('gives the same figures for the same seed', () => {
    const args = ['hindcast', SPEC, ...SHORT, '--horizon', '3', '--update', 'routing']
    const a = freshet([...args, '--seed', '5'])
    const b = freshet([...args, '--seed', '5'])
    expect(a.status).toBe(0)
    const figures = (s: string): string => s.replace(/^[\d.]+ s$/m, '')
    expect(figures(a.stdout)).toBe(figures(b.stdout))
    expect(a.stdout).toContain('routing-store update')
  })

  it.each([
    [['--members', '1']],
    [['--horizon', 'ten']],
    [['--update', 'magic']],
    [['--every', '0']],
    [['--seed', '1.5']],
    [['--from', '1980-01-01']],
    [['--from', '2000-02-30']],
    [['--from', '1991-01-01', '--to', '1990-12-01']],
    [['--to', '2012-12-30']],
    [['--thresholds', 'Q42']],
  ])('bad input %j: one line on standard error, exit 2', (extra) => {
    const r = freshet(['hindcast', SPEC, ...extra])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^freshet: /)
  })

  it('takes return levels of the annual maxima as thresholds when asked', () => {
    const dir = tempDir()
    const csv = join(dir, 'scores.csv')
    const r = freshet([
      'hindcast',
      SPEC,
      ...SHORT,
      '--horizon',
      '2',
      '--thresholds',
      'return-levels',
      '--update',
      'none',
      '--csv',
      csv,
    ])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/thresholds T2, T5, T10: 2-, 5- and 10-year return levels/)
    const header = readFileSync(csv, 'utf8').split('\n')[0]!
    expect(header).toContain('pod_T2,far_T2,csi_T2,pod_T5')
  })

  it('says which file is missing', () => {
    const dir = tempFiles({})
    const r = freshet(['hindcast', join(dir, 'nope.json')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/cannot read the model-run file/)
  })

  it('refuses a forcing without observed flow', () => {
    const dir = tempFiles({
      'f.csv': 'date,precip_mm,pet_mm\n2000-01-01,1,1\n2000-01-02,1,1\n2000-01-03,1,1\n',
      'spec.json': {
        model: 'GR4J',
        forcing: 'f.csv',
        params: { X1: 200, X2: 0, X3: 80, X4: 2 },
        run: { start: '2000-01-01', end: '2000-01-02' },
      },
    })
    const r = freshet(['hindcast', join(dir, 'spec.json'), '--horizon', '1'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/q_mm/)
  })
})
