/**
 * The forecast cycle at national scale: 10,000 GR4H basins × 51 members × 240 hourly steps,
 * through `runForecastCycle` with the worker-thread model runner, side by side with
 * single-thread references measured in the same run.
 *
 * The network is synthetic (seeded): 25 rivers of 400 basins, each basin draining into one of
 * the 20 created before it on its river, with Muskingum, lag-and-route and plain links;
 * areas 10–500 km²; GR4H parameters drawn in realistic ranges (X1 100–1200 mm, X2 −1–0.3 mm/h,
 * X3 20–400 mm, X4 1–40 h). Forcing comes from the hourly L0123001 series
 * (data/catchments/inputs/L0123001_hourly_derived.csv): each basin reads it from its own
 * date, with its own rain factor; a saved state from a 14-day spin-up 24 h before the issue
 * time; ensemble members shifted by up to ±6 h with a daily log-normal rain factor whose
 * spread grows with lead time; one PET series shared by the members.
 *
 * Each configuration runs in its own process, so its peak memory (the kernel's high-water mark
 * of the resident set, VmHWM) is its own:
 *
 * - `2 workers` — the figure: in-memory repositories, so the benchmark measures the models, the
 *   routing and the quantile/probability computation, not a database; generating the synthetic
 *   forcing on demand is included (its own time is printed);
 * - `1 worker` and `in-process` — single-thread references;
 * - `sqlite, 2 workers` — the same cycle over the real store (src/store) in a temporary SQLite
 *   file, loaded beforehand (load time printed apart).
 *
 * `--basins N` scales the network; `--quick` skips the in-process and SQLite runs; with
 * `TRACE_MEM=1` each configuration prints its memory once a second.
 * Ends with `cycle_s=…` and `cycle_peak_mb=…` for the 2-worker run.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, ThresholdId } from '../src/core/ids.ts'
import { seededRng } from '../src/core/rng.ts'
import { createInProcessRunner } from '../src/compute/in-process-runner.ts'
import type { RunnerStats } from '../src/compute/runner-stats.ts'
import { createWorkerRunner } from '../src/compute/worker-runner.ts'
import { runForecastCycle } from '../src/forecast/cycle/cycle.ts'
import { summarizeEnsemble, summaryScratch } from '../src/forecast/cycle/ensemble-stats.ts'
import { fixedClock } from '../src/forecast/cycle/memory-ports.ts'
import type { ForecastCycleDeps } from '../src/forecast/cycle/types.ts'
import type {
  BasinForecast,
  ForcingForecast,
  ForecastRepository,
  ForecastRun,
  ModelConfig,
  ModelRunner,
  SavedState,
} from '../src/forecast/ports.ts'
import { FORECAST_QUANTILES } from '../src/forecast/ports.ts'
import { gr4h } from '../src/hydro/models/gr4h/run.ts'
import { DEFAULT_INITIAL_LEVELS } from '../src/hydro/models/types.ts'
import { parseSeriesCsv } from '../src/observe/forcing-csv.ts'
import type { Store } from '../src/store/index.ts'
import type {
  Basin,
  Observation,
  ReachRoutingSpec,
  Series,
  StoredObservation,
  Threshold,
} from '../src/observe/types.ts'

const here = dirname(fileURLToPath(import.meta.url))
const HOUR = 3_600_000
const MEMBERS = 51
const LEAD = 240
const OBSERVED = 24
const SPIN_UP = 14 * 24
const RIVERS = 25
const SEED = 20_250_613
const ISSUE = Date.UTC(2024, 5, 1) as EpochMs

const { values: args } = parseArgs({
  options: {
    basins: { type: 'string', default: '10000' },
    quick: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
})
const N = Number(args.basins)

// --- the synthetic network -------------------------------------------------------------------

interface World {
  readonly basins: Basin[]
  readonly index: Map<BasinId, number>
  /** GR4H parameters, 4 per basin. */
  readonly params: Float64Array
  /** Row of the hourly series at the issue time, per basin. */
  readonly row: Int32Array
  readonly rainFactor: Float64Array
  readonly totalArea: Float64Array
  readonly precip: Float64Array
  readonly pet: Float64Array
}

function logUniform(rng: { next(): number }, lo: number, hi: number): number {
  return lo * Math.exp(Math.log(hi / lo) * rng.next())
}

function buildWorld(n: number): World {
  const text = readFileSync(
    join(here, '..', 'data', 'catchments', 'inputs', 'L0123001_hourly_derived.csv'),
    'utf8',
  )
  const table = parseSeriesCsv(text, 'L0123001_hourly_derived.csv', ['precip_mm', 'pet_mm'])
  if (!table.ok) throw new Error(table.issues[0]!.message)
  const precip = table.value.columns.get('precip_mm')!
  const pet = table.value.columns.get('pet_mm')!
  const rng = seededRng(SEED)
  const basins: Basin[] = []
  const index = new Map<BasinId, number>()
  const params = new Float64Array(4 * n)
  const row = new Int32Array(n)
  const rainFactor = new Float64Array(n)
  const areas = new Float64Array(n)
  const down = new Int32Array(n).fill(-1)
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / RIVERS) // position on its river
    let reach: ReachRoutingSpec = { kind: 'none' }
    if (k > 0) {
      down[i] = i - RIVERS * (1 + Math.floor(rng.next() * Math.min(k, 20)))
      const u = rng.next()
      if (u < 0.4) {
        const kHours = 1 + 7 * rng.next()
        reach = { kind: 'muskingum', kHours, x: rng.next() * Math.min(0.3, 0.45 / kHours) }
      } else if (u < 0.8) {
        reach = { kind: 'lag-route', lagHours: 6 * rng.next(), kHours: 0.5 + 9.5 * rng.next() }
      }
    }
    areas[i] = logUniform(rng, 10, 500)
    const id = `b${i}` as BasinId
    index.set(id, i)
    basins.push({
      id,
      name: `basin ${i}`,
      areaKm2: areas[i]!,
      outline: null,
      hypsometry: null,
      downstream: down[i]! < 0 ? null : { basinId: `b${down[i]}` as BasinId, reach },
    })
    params[4 * i] = logUniform(rng, 100, 1200)
    params[4 * i + 1] = -1 + 1.3 * rng.next()
    params[4 * i + 2] = logUniform(rng, 20, 400)
    params[4 * i + 3] = 1 + 39 * rng.next()
    row[i] =
      SPIN_UP + OBSERVED + Math.floor(rng.next() * (precip.length - SPIN_UP - OBSERVED - LEAD - 8))
    rainFactor[i] = 0.7 + 0.7 * rng.next()
  }
  // Upstream areas: every basin drains into one created before it.
  const totalArea = Float64Array.from(areas)
  for (let i = n - 1; i >= 0; i--) {
    const d = down[i]!
    if (d >= 0) totalArea[d] = totalArea[d]! + totalArea[i]!
  }
  return { basins, index, params, row, rainFactor, totalArea, precip, pet }
}

const paramsOf = (w: World, i: number) => w.params.subarray(4 * i, 4 * i + 4)

/** States saved 24 h before the issue time, after a 14-day spin-up from the usual cold start. */
function spinUp(w: World): SavedState[] {
  const out: SavedState[] = []
  const q = new Float64Array(SPIN_UP)
  for (let i = 0; i < w.basins.length; i++) {
    const p = paramsOf(w, i)
    const state = gr4h.initialState(p, DEFAULT_INITIAL_LEVELS)
    const from = w.row[i]! - OBSERVED - SPIN_UP
    const f = w.rainFactor[i]!
    const precip = w.precip.slice(from, from + SPIN_UP).map((v) => v * f)
    gr4h.simulate(
      p,
      { precip, pet: w.pet.subarray(from, from + SPIN_UP) },
      state,
      0,
      SPIN_UP,
      q,
      null,
    )
    out.push({
      basinId: w.basins[i]!.id,
      model: 'GR4H',
      t: (ISSUE - (OBSERVED + 1) * HOUR) as EpochMs,
      state,
    })
  }
  return out
}

/** The basin's ensemble forcing issued at the issue time (seeded per basin). */
function forcingOf(w: World, i: number): ForcingForecast {
  const rng = seededRng(SEED * 7 + i)
  const base = w.row[i]!
  const f = w.rainFactor[i]!
  const days = Math.ceil(LEAD / 24)
  const mult = new Float64Array(days)
  const precip: Float64Array[] = []
  for (let m = 0; m < MEMBERS; m++) {
    const shift = m === 0 ? 0 : Math.round((rng.next() - 0.5) * 12)
    for (let d = 0; d < days; d++) {
      const s = 0.25 + 0.1 * d
      mult[d] = m === 0 ? 1 : Math.exp(s * rng.normal() - (s * s) / 2)
    }
    const member = new Float64Array(LEAD)
    for (let j = 0; j < LEAD; j++) member[j] = w.precip[base + j + shift]! * f * mult[(j / 24) | 0]!
    precip.push(member)
  }
  return {
    basinId: w.basins[i]!.id,
    issueTime: ISSUE,
    stepMs: HOUR,
    source: 'synthetic: L0123001 hourly, shifted and scaled members',
    precip,
    pet: [w.pet.slice(base, base + LEAD)],
    temp: null,
  }
}

function seriesOf(w: World, i: number): Series[] {
  const basinId = w.basins[i]!.id
  const s = (id: string, variable: Series['variable'], unit: Series['unit']): Series => ({
    id: id as SeriesId,
    variable,
    unit,
    kind: 'observed',
    stationId: null,
    basinId,
    stepMs: HOUR,
  })
  return [
    s(`p:${i}`, 'precipitation', 'mm'),
    s(`e:${i}`, 'pet', 'mm'),
    s(`q:${i}`, 'discharge', 'm3/s'),
  ]
}

/** Alert thresholds at 0.05, 0.1 and 0.2 m³/s per km² of drainage area. */
function thresholdsOf(w: World, i: number): Threshold[] {
  return [0.05, 0.1, 0.2].map((perKm2, k) => ({
    id: `t${k}:${i}` as ThresholdId,
    seriesId: `q:${i}` as SeriesId,
    name: ['alert', 'warning', 'danger'][k]!,
    returnPeriodYears: null,
    value: perKm2 * w.totalArea[i]!,
    source: 'manual' as const,
    ciLow: null,
    ciHigh: null,
    setBy: null,
    reason: 'benchmark',
    setAt: 0 as EpochMs,
  }))
}

function configOf(w: World, i: number): ModelConfig {
  const p = paramsOf(w, i)
  return {
    basinId: w.basins[i]!.id,
    model: 'GR4H',
    params: { X1: p[0]!, X2: p[1]!, X3: p[2]!, X4: p[3]! },
    options: {},
    calibration: null,
    updatedAt: 0 as EpochMs,
  }
}

/** Observed rain (scaled) and PET over [from, to), on the basin's dates. */
function observed(
  w: World,
  i: number,
  variable: 'p' | 'e',
  from: number,
  to: number,
): Observation[] {
  const out: Observation[] = []
  const seriesId = `${variable}:${i}` as SeriesId
  for (let t = from; t < to; t += HOUR) {
    const r = w.row[i]! + (t - ISSUE) / HOUR
    const value = variable === 'p' ? w.precip[r]! * w.rainFactor[i]! : w.pet[r]!
    out.push({ seriesId, t: t as EpochMs, value, quality: 0 })
  }
  return out
}

/** Basin 0's members (m³/s) from its saved state: an ensemble to time the summaries on. */
function memberFlows(w: World, state: SavedState): Float64Array[] {
  const f = forcingOf(w, 0)
  const p = paramsOf(w, 0)
  const factor = (w.basins[0]!.areaKm2 * 1000) / 3600
  return f.precip.map((precip) => {
    const st = Float64Array.from(state.state)
    const q = new Float64Array(LEAD)
    gr4h.simulate(p, { precip, pet: f.pet![0]! }, st, 0, LEAD, q, null)
    for (let t = 0; t < LEAD; t++) q[t] = q[t]! * factor
    return q
  })
}

/** Keeps only what the benchmark prints of each forecast: counts and a checksum. */
interface Sink extends ForecastRepository {
  readonly stored: { basins: number; checksum: number }
}

function sinkRepository(): Sink {
  const runs = new Map<ForecastRunId, ForecastRun>()
  const stored = { basins: 0, checksum: 0 }
  return {
    stored,
    async createRun(run) {
      runs.set(run.id, run)
    },
    async putBasinForecasts(forecasts: readonly BasinForecast[]) {
      for (const f of forecasts) stored.checksum += checksumOf(f)
      stored.basins += forecasts.length
    },
    async finishRun(id, status, note) {
      runs.set(id, { ...runs.get(id)!, status, note })
    },
    async findRun(id) {
      return runs.get(id)
    },
    async listRuns() {
      return [...runs.values()]
    },
    async findBasinForecast() {
      return undefined
    },
  }
}

function checksumOf(f: BasinForecast): number {
  let s = 0
  for (const q of f.quantiles) s += q[0]! + q[LEAD - 1]! + q[LEAD >> 1]!
  for (const x of f.exceedance) for (let t = 0; t < LEAD; t += 24) s += x.probability[t]!
  return s
}

/** Every port over the world, generated on demand; states kept (latest per basin). */
function memoryDeps(
  w: World,
  runner: ModelRunner,
  saved: SavedState[],
): ForecastCycleDeps & {
  forecasts: Sink
} {
  const states = new Map<BasinId, SavedState>()
  for (const s of saved) states.set(s.basinId, s)
  const idx = (id: string) => w.index.get(id as BasinId)!
  const seriesIndex = (id: SeriesId) => Number(id.slice(2))
  return {
    basins: {
      upsert: async () => undefined,
      find: async (id) => w.basins[idx(id)],
      list: async () => w.basins,
    },
    series: {
      upsert: async () => undefined,
      find: async (id) => seriesOf(w, seriesIndex(id)).find((s) => s.id === id),
      list: async (filter) =>
        filter?.basinId === undefined ? [] : seriesOf(w, idx(filter.basinId)),
    },
    observations: {
      write: async () => ({ inserted: 0, revised: 0, unchanged: 0 }),
      read: async (id, from, to) =>
        observed(w, seriesIndex(id), id[0] as 'p' | 'e', from, to).map((o): StoredObservation => ({
          ...o,
          revision: 1,
          receivedAt: ISSUE,
        })),
      history: async () => [],
      latest: async () => undefined,
      count: async () => 0,
    },
    thresholds: {
      upsert: async () => undefined,
      list: async (id) => thresholdsOf(w, seriesIndex(id)),
    },
    configs: {
      put: async () => undefined,
      find: async (id) => configOf(w, idx(id)),
      models: async () => new Map(),
    },
    states: {
      put: async (s) => {
        states.set(s.basinId, s)
      },
      latest: async (id, atOrBefore) => {
        const s = states.get(id)
        return s !== undefined && s.t <= atOrBefore ? s : undefined
      },
    },
    forcing: {
      put: async () => undefined,
      latest: async (id) => forcingOf(w, idx(id)),
    },
    forecasts: sinkRepository(),
    runner,
    clock: fixedClock(ISSUE + 5 * 60_000),
  }
}

// --- one configuration, in its own process --------------------------------------------------

interface Figures {
  readonly label: string
  readonly status: string
  readonly basins: number
  readonly checksum: number
  readonly setupS: number
  readonly poolStartS: number
  readonly cycleS: number
  readonly cpuS: number
  readonly modelS: number
  readonly baseRssMb: number
  readonly sampledPeakMb: number
  readonly workerHeapMb: number
  readonly hwmMb: number
  readonly summariesS: number
  readonly forcingGenS: number
  /** Size of the SQLite file after the cycle (MB), or null in memory. */
  readonly dbMb: number | null
  /** Load averages (1 min) of the machine before and after the cycle. */
  readonly load: readonly [number, number]
  readonly note: string
}

/** The kernel's high-water mark of this process's resident set (MB), or NaN off Linux. */
function vmHwmMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    return m === null ? NaN : Number(m[1]) / 1024
  } catch {
    return NaN
  }
}

const MB = 1024 * 1024

async function child(label: string): Promise<void> {
  const [storeKind, runnerKind] = label.split('/') as ['memory' | 'sqlite', string]
  const t0 = performance.now()
  const world = buildWorld(N)
  const saved = spinUp(world)
  let runner: ModelRunner & { stats(): RunnerStats; close?(): Promise<void> }
  const tPool = performance.now()
  if (runnerKind === 'in-process') runner = createInProcessRunner()
  else {
    const w = createWorkerRunner({ threads: Number(runnerKind) })
    await w.warmUp()
    runner = w
  }
  const poolStartS = (performance.now() - tPool) / 1000
  let deps: ForecastCycleDeps
  let sink: Sink | undefined
  let dbPath: string | undefined
  let cleanup = async (): Promise<void> => undefined
  if (storeKind === 'memory') {
    const m = memoryDeps(world, runner, saved)
    sink = m.forecasts
    deps = m
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-'))
    dbPath = join(dir, 'cycle.db')
    const { openStore } = await import('../src/store/index.ts')
    const store = await openStore(dbPath)
    await loadStore(store, world, saved)
    deps = {
      basins: store.basins,
      series: store.series,
      observations: store.observations,
      thresholds: store.thresholds,
      configs: store.modelConfigs,
      states: store.modelStates,
      forcing: store.forcingForecasts,
      forecasts: store.forecasts,
      runner,
      clock: fixedClock(ISSUE + 5 * 60_000),
    }
    cleanup = async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const members = memberFlows(world, saved[0]!)
  saved.length = 0
  const setupS = (performance.now() - t0) / 1000 - poolStartS

  globalThis.gc?.()
  const load0 = loadavg()[0]!
  const baseRss = process.memoryUsage.rss()
  let sampled = baseRss
  let ticks = 0
  const before = runner.stats()
  const cpu0 = process.cpuUsage()
  const c0 = performance.now()
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss())
    if (process.env['TRACE_MEM'] !== undefined && ++ticks % 50 === 0) {
      const m = process.memoryUsage()
      console.error(
        `t=${((performance.now() - c0) / 1000).toFixed(1)} rss=${(m.rss / MB).toFixed(0)} heap=${(m.heapUsed / MB).toFixed(0)} ext=${(m.external / MB).toFixed(0)} ab=${(m.arrayBuffers / MB).toFixed(0)}`,
      )
    }
  }, 20)
  const result = await runForecastCycle(deps, { issueTime: ISSUE })
  const cycleS = (performance.now() - c0) / 1000
  const cpu = process.cpuUsage(cpu0)
  clearInterval(timer)
  const after = runner.stats()
  sampled = Math.max(sampled, process.memoryUsage.rss(), after.peakRssBytes)
  const hwm = vmHwmMb()
  const dbMb = dbPath !== undefined ? statSync(dbPath).size / MB : null
  let basins = sink?.stored.basins ?? result.forecast.length
  let checksum = sink?.stored.checksum ?? NaN
  if (sink === undefined) {
    checksum = 0
    for (const id of result.forecast) {
      const f = await deps.forecasts.findBasinForecast(result.runId, id)
      if (f !== undefined) checksum += checksumOf(f)
    }
    basins = result.forecast.length
  }
  await runner.close?.()
  await cleanup()

  // References on this thread, after the cycle: the summaries alone, and the forcing alone.
  const q = FORECAST_QUANTILES.map(() => new Float64Array(LEAD))
  const p = [0, 1, 2].map(() => new Float64Array(LEAD))
  const th = [1, 2, 3]
  const scratch = summaryScratch(MEMBERS)
  const s0 = performance.now()
  for (let i = 0; i < N; i++)
    summarizeEnsemble(members, LEAD, FORECAST_QUANTILES, q, th, p, scratch)
  const summariesS = (performance.now() - s0) / 1000
  const g0 = performance.now()
  for (let i = 0; i < N; i++) forcingOf(world, i)
  const forcingGenS = (performance.now() - g0) / 1000

  const figures: Figures = {
    label,
    status: result.status,
    basins,
    checksum,
    setupS,
    poolStartS,
    cycleS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    modelS: (after.modelMs - before.modelMs) / 1000,
    baseRssMb: baseRss / MB,
    sampledPeakMb: sampled / MB,
    workerHeapMb: after.peakWorkerHeapBytes / MB,
    hwmMb: hwm,
    summariesS,
    forcingGenS,
    dbMb,
    load: [load0, loadavg()[0]!],
    note: result.status === 'complete' ? '' : result.note.slice(0, 300),
  }
  console.log(`RESULT ${JSON.stringify(figures)}`)
}

/** Loads the world into a store, as the ingest of a real service would have. */
async function loadStore(store: Store, w: World, saved: readonly SavedState[]): Promise<void> {
  const n = w.basins.length
  await store.transaction(async (tx) => {
    await tx.basins.upsert(w.basins)
    const series: Series[] = []
    const thresholds: Threshold[] = []
    for (let i = 0; i < n; i++) {
      series.push(...seriesOf(w, i))
      thresholds.push(...thresholdsOf(w, i))
    }
    await tx.series.upsert(series)
    await tx.thresholds.upsert(thresholds)
    for (let i = 0; i < n; i++) {
      await tx.modelConfigs.put(configOf(w, i))
      await tx.modelStates.put(saved[i]!)
    }
  })
  const from = ISSUE - OBSERVED * HOUR
  for (let i0 = 0; i0 < n; i0 += 500) {
    await store.transaction(async (tx) => {
      const batch: Observation[] = []
      for (let i = i0; i < Math.min(n, i0 + 500); i++) {
        batch.push(...observed(w, i, 'p', from, ISSUE), ...observed(w, i, 'e', from, ISSUE))
        await tx.forcingForecasts.put(forcingOf(w, i))
      }
      await tx.observations.write(batch, ISSUE)
    })
  }
}

// --- the parent: every configuration, then the table ----------------------------------------

function runChild(label: string): Figures | undefined {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      label,
      '--basins',
      String(N),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * MB },
  )
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '))
  if (line === undefined) {
    console.log(`  ${label}: no result (exit ${r.status}) ${r.stdout.slice(-500)}`)
    return undefined
  }
  return JSON.parse(line.slice(7)) as Figures
}

async function parent(): Promise<void> {
  const configs: [string, string][] = [
    ['memory/2', '2 workers'],
    ['memory/1', '1 worker (single-thread reference)'],
  ]
  if (!args.quick) {
    configs.push(['memory/in-process', 'in-process (main thread only)'])
    configs.push(['sqlite/2', 'SQLite store, 2 workers'])
  }
  console.log(
    `Forecast cycle: ${N.toLocaleString('en')} GR4H basins × ${MEMBERS} members × ${LEAD} hourly steps ` +
      `(${((N * MEMBERS * LEAD) / 1e6).toFixed(1)} M model steps), ${OBSERVED} observed steps per basin, ` +
      `routing down ${RIVERS} rivers, quantiles and 3 thresholds per basin`,
  )
  const results: Figures[] = []
  for (const [label, name] of configs) {
    const f = runChild(label)
    if (f === undefined) continue
    results.push(f)
    const threads = f.label.endsWith('/2') ? 2 : 1
    console.log(`\n  ${name}`)
    console.log(
      `    cycle ${f.cycleS.toFixed(2)} s wall, ${f.cpuS.toFixed(2)} s CPU (all threads); ` +
        `${f.basins} basins ${f.status}${f.note !== '' ? ` (${f.note})` : ''}; ` +
        `machine load ${f.load[0].toFixed(1)} → ${f.load[1].toFixed(1)}`,
    )
    console.log(
      `    in the models: ${f.modelS.toFixed(2)} s of model-thread time, ` +
        `${((100 * f.modelS) / (threads * f.cycleS)).toFixed(0)} % of ${threads} thread(s) × the cycle's wall time` +
        (f.label.endsWith('in-process')
          ? ` (one thread does everything, so this is the models' share of the cycle)`
          : ''),
    )
    console.log(
      `    memory: peak RSS ${f.hwmMb.toFixed(0)} MB (VmHWM, whole process with workers; sampled ` +
        `${f.sampledPeakMb.toFixed(0)} MB, ${f.baseRssMb.toFixed(0)} MB before the cycle; largest ` +
        `worker heap ${f.workerHeapMb.toFixed(0)} MB)`,
    )
    console.log(
      `    setup ${f.setupS.toFixed(1)} s (not timed)${f.dbMb === null ? '' : `, database ${f.dbMb.toFixed(0)} MB`}; ` +
        `pool start ${f.poolStartS.toFixed(2)} s; on one thread alone: quantiles/probabilities ` +
        `${f.summariesS.toFixed(2)} s, synthetic forcing ${f.forcingGenS.toFixed(2)} s; checksum ${f.checksum.toFixed(6)}`,
    )
  }
  const two = results.find((r) => r.label === 'memory/2')
  const one = results.find((r) => r.label === 'memory/1')
  if (two !== undefined && one !== undefined) {
    console.log(
      `\n  speed-up 2 workers / 1 worker: ${(one.cycleS / two.cycleS).toFixed(2)}×; ` +
        `same numbers in every configuration: ${results.every((r) => Math.abs(r.checksum - two.checksum) <= 1e-9 * Math.abs(two.checksum)) ? 'yes' : 'NO'}`,
    )
  }
  console.log('')
  console.log(`cycle_s=${two !== undefined ? two.cycleS.toFixed(2) : 'NaN'}`)
  console.log(`cycle_peak_mb=${two !== undefined ? two.hwmMb.toFixed(0) : 'NaN'}`)
}

if (args.child !== undefined) await child(args.child)
else await parent()
