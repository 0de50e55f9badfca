import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BasinId } from '../src/core/ids.ts'
import { openStore } from '../src/store/index.ts'
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

  describe('with --db and --basin', () => {
    const AREA_KM2 = 360 // data/catchments/inputs/L0123001_basin.json
    /** A SQLite file holding the basin `blue` (and nothing else), as an operator's would. */
    async function database(areaKm2 = AREA_KM2): Promise<string> {
      const path = join(tempDir(), 'freshet.db')
      const store = await openStore(path)
      await store.basins.upsert([
        {
          id: 'blue' as BasinId,
          name: 'Blue River at Nourlangie Rock',
          areaKm2,
          outline: null,
          hypsometry: null,
          downstream: null,
        },
      ])
      await store.close()
      return path
    }

    it('stores the reported variant’s scores in m³/s, as the CSV gives them in mm/day', async () => {
      const db = await database()
      const csv = join(tempDir(), 'scores.csv')
      const before = Date.now()
      const r = freshet([
        'hindcast',
        SPEC,
        ...SHORT,
        '--horizon',
        '3',
        '--csv',
        csv,
        '--db',
        db,
        '--basin',
        'blue',
      ])
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toContain(
        'skill of enkf stored for basin blue (31 forecasts, flows in m³/s over 360 km²)',
      )
      const store = await openStore(db)
      const skill = await store.hindcastSkill.latest('blue' as BasinId)
      await store.close()
      expect(skill).toBeDefined()
      const s = skill!
      expect(s).toMatchObject({
        basinId: 'blue',
        firstIssue: Date.UTC(2000, 0, 1),
        lastIssue: Date.UTC(2000, 3, 30),
        issues: 31,
        everySteps: 4,
        update: 'enkf',
        model: 'GR4J',
        members: 9,
        horizonSteps: 3,
        stepMs: 86_400_000,
        seed: 1,
        flowUnit: 'm3/s',
      })
      expect(s.computedAt).toBeGreaterThanOrEqual(before)
      expect(s.computedAt).toBeLessThanOrEqual(Date.now())
      expect(s.forcingNote).toMatch(/^synthetic members/)
      expect(s.thresholds.map((t) => t.name)).toEqual(['Q90', 'Q95', 'Q99'])

      // The same run's CSV, in mm/day: the stored figures are those × area·1000/86 400.
      const factor = (AREA_KM2 * 1000) / 86_400
      const lines = readFileSync(csv, 'utf8').trimEnd().split('\n')
      const header = lines[0]!.split(',')
      const rows = lines
        .slice(1)
        .map((l) => l.split(','))
        .filter((c) => c[0] === 'enkf')
      expect(s.leads.map((l) => l.lead)).toEqual([1, 2, 3])
      const num = (c: string[], name: string): number | null => {
        const v = c[header.indexOf(name)]!
        return v === '' ? null : Number(v)
      }
      const flow = (c: string[], name: string): number | null => {
        const v = num(c, name)
        return v === null ? null : v * factor
      }
      rows.forEach((c, j) => {
        const l = s.leads[j]!
        expect(l.n).toBe(num(c, 'n'))
        expect(l.crps).toBeCloseTo(flow(c, 'crps_mm')!, 12)
        expect(l.crpsPersistence).toBeCloseTo(flow(c, 'crps_persistence_mm')!, 12)
        expect(l.crpsClimatology).toBeCloseTo(flow(c, 'crps_climatology_mm')!, 12)
        expect(l.spread).toBeCloseTo(flow(c, 'spread_mm')!, 12)
        expect(l.rmseMean).toBeCloseTo(flow(c, 'rmse_mean_mm')!, 12)
        expect(l.crpssPersistence).toBe(num(c, 'crpss_persistence'))
        expect(l.crpssClimatology).toBe(num(c, 'crpss_climatology'))
        for (const t of l.thresholds) {
          expect(t.pod).toBe(num(c, `pod_${t.name}`))
          expect(t.far).toBe(num(c, `far_${t.name}`))
          expect(t.csi).toBe(num(c, `csi_${t.name}`))
          expect(t.hits + t.misses + t.falseAlarms + t.correctNegatives).toBe(l.n)
        }
      })
    })

    it.each([
      [['--db', 'DB'], /--db and --basin go together/],
      [['--basin', 'blue'], /--db and --basin go together/],
      [['--db', '/nonexistent/freshet.db', '--basin', 'blue'], /no database at/],
      [['--db', 'DB', '--basin', 'nile'], /no basin nile in the database/],
      [['--db', 'DB', '--basin', 'bad id'], /--basin: not an id/],
    ])(
      'bad input %j: one line on standard error, exit 2, nothing stored',
      async (extra, message) => {
        const db = await database()
        const withDb = extra.map((a) => (a === 'DB' ? db : a))
        const r = freshet(['hindcast', SPEC, ...SHORT, '--horizon', '2', ...withDb])
        expect(r.status).toBe(2)
        expect(r.stdout).toBe('')
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
        expect(r.stderr).toMatch(message)
        const store = await openStore(db)
        expect(await store.hindcastSkill.latest('blue' as BasinId)).toBeUndefined()
        await store.close()
      },
    )

    it('refuses a basin whose stored area is not the run file’s', async () => {
      const db = await database(3600)
      const r = freshet([
        'hindcast',
        SPEC,
        ...SHORT,
        '--horizon',
        '2',
        '--db',
        db,
        '--basin',
        'blue',
      ])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(
        /area in the database \(3600 km²\) is not the run file's \(360 km²\)/,
      )
    })
  })
})
