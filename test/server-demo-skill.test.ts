/**
 * The demo's forecast skill: after the region is loaded, each basin's hindcast runs on a worker
 * thread and its summary is stored — the same numbers as the engine gives on this thread.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import { runHindcast } from '../src/forecast/hindcast/hindcast.ts'
import { hindcastSkill } from '../src/forecast/hindcast/skill.ts'
import { createModel } from '../src/hydro/models/registry.ts'
import { loadDemoRegion, readDemoRegion, type DemoRegion } from '../src/server/demo.ts'
import { demoHindcastJob, startDemoSkill } from '../src/server/demo-skill.ts'
import { openStore, type Store } from '../src/store/index.ts'

const DAY_MS = 86_400_000

describe('the demo region’s forecast skill', () => {
  let dir: string
  let store: Store
  let demo: DemoRegion
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'freshet-skill-'))
    store = await openStore(join(dir, 'demo.db'))
    demo = readDemoRegion()
    await loadDemoRegion(store, demo, () => {})
  }, 120_000)
  afterAll(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores each basin’s hindcast of the two years before the replay, as the engine scores it', async () => {
    const lines: string[] = []
    const skill = startDemoSkill(store, demo, (m) => lines.push(m))
    await skill.finished
    for (const b of demo.basins) {
      expect(lines.join('\n')).toMatch(new RegExp(`${b.id}: skill stored in [\\d.]+ s`))
      const stored = await store.hindcastSkill.latest(b.id)
      expect(stored, lines.join('\n')).toBeDefined()
      // The same hindcast on this thread.
      const config = (await store.modelConfigs.find(b.id))!
      const { job, times } = demoHindcastJob(demo, b.id, config, {
        years: 2,
        every: 5,
        members: 20,
        horizon: 10,
        update: 'enkf',
        seed: demo.region.replay.seed,
      })
      const { modelName, modelOptions, ...setup } = job
      const model = createModel(modelName, modelOptions)
      if (!model.ok) throw new Error(modelName)
      const expected = hindcastSkill(runHindcast({ ...setup, model: model.value }), {
        basinId: b.id,
        computedAt: stored!.computedAt,
        model: 'GR4J',
        times,
        stepMs: DAY_MS,
        everySteps: 5,
        areaKm2: b.areaKm2,
      })
      expect(stored).toEqual(expected)
      expect(stored!.firstIssue).toBe(Date.UTC(2014, 4, 20))
      expect(stored!.lastIssue + 10 * DAY_MS).toBeLessThanOrEqual(Date.UTC(2016, 4, 20))
      expect(stored!.issues).toBe((stored!.lastIssue - stored!.firstIssue) / (5 * DAY_MS) + 1)
      expect(stored!.leads).toHaveLength(10)
      expect(stored!.leads[0]!.n).toBeGreaterThan(100)
    }
    expect(lines.some((l) => /skill \d+\/\d+ forecasts/.test(l))).toBe(true)
  }, 120_000)

  it('keeps a summary computed after the last calibration, and computes again after one', async () => {
    const lines: string[] = []
    await startDemoSkill(store, demo, (m) => lines.push(m)).finished
    expect(lines.filter((l) => l.includes('skill kept'))).toHaveLength(demo.basins.length)
    const b = demo.basins[0]!
    const before = (await store.hindcastSkill.latest(b.id))!
    const config = (await store.modelConfigs.find(b.id))!
    await store.modelConfigs.put({ ...config, updatedAt: (before.computedAt + 1) as EpochMs })
    const again: string[] = []
    await startDemoSkill(store, demo, (m) => again.push(m)).finished
    expect(again.filter((l) => l.includes('skill kept'))).toHaveLength(demo.basins.length - 1)
    const after = (await store.hindcastSkill.latest(b.id))!
    expect(after.computedAt).toBeGreaterThan(before.computedAt)
    expect(after.leads).toEqual(before.leads)
  }, 120_000)

  it('stops at once when asked, storing nothing more', async () => {
    const lines: string[] = []
    const skill = startDemoSkill(store, demo, (m) => lines.push(m), { members: 7 })
    await skill.stop()
    for (const b of demo.basins) expect((await store.hindcastSkill.latest(b.id))!.members).toBe(20)
    expect(lines.join('\n')).not.toMatch(/skill stored|no skill computed/)
  }, 60_000)
})
