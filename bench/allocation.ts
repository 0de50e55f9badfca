/**
 * Allocation of relief stock: 100 depots × 2,000 areas × 10 items, solved to optimality with
 * HiGHS, side by side with references measured in the same run.
 *
 * The instance is seeded (`ALLOCATION_SEED`, default 1): depots and areas at random in a region
 * of 400 km × 600 km; each area's expected affected population is a lognormal share of a
 * lognormal population; needs are the default norms (src/logistics/targets.ts) applied to it;
 * the stock of each item totals 80–90 % of its need, spread over depots by depot size with
 * ± 30 % noise; transport costs 0.5 per m³ per km of the item's packed volume. Each area is
 * served by its 8 nearest depots (`ALLOCATION_K` to change).
 *
 * Printed: the model size, the time from input to checked plan (arcs, model, solves, reading and
 * checking the plan) for the first plan of the process and again, the objective, the checks;
 * then the references: a greedy nearest-depot plan (cost and time), the same solves without
 * warm starts, one item through CPLEX LP text instead of arrays, one item on the dense model
 * (every depot reaches every area), and the equity variant.
 *
 * The solver is created with `warmUp` (a built-in model of the same size, solved once per process
 * at start-up, as a server does); `ALLOCATION_WARMUP=0` measures the first plan without it.
 *
 * Ends with `allocation_s=…`, the time of the first plan after the solver was created.
 */
import { seededRng } from '../src/core/rng.ts'
import { createHighsSolver, loadHighsOnce } from '../src/compute/highs-solver.ts'
import type {
  AllocationArea,
  AllocationDepot,
  AllocationInput,
  AllocationPlan,
} from '../src/logistics/allocation.ts'
import { checkPlan, greedyAllocation, planAllocation } from '../src/logistics/allocation.ts'
import { toCplexLp } from '../src/logistics/lp-format.ts'
import type { LpModel, LpSolution, LpSolver } from '../src/logistics/ports.ts'
import { DEFAULT_NORMS, unitsFor } from '../src/logistics/targets.ts'
import type { AreaId, DepotId, ItemId } from '../src/logistics/types.ts'
import { DEFAULT_CATALOGUE } from '../src/logistics/types.ts'

const SEED = Number(process.env['ALLOCATION_SEED'] ?? 1)
const K = Number(process.env['ALLOCATION_K'] ?? 8)
const DEPOTS = 100
const AREAS = 2000
const ITEMS = DEFAULT_CATALOGUE.filter((i) => i.id !== 'tarpaulin').slice(0, 10)
const COST_PER_M3_KM = 0.5

// --- the instance ------------------------------------------------------------------------------
const rng = seededRng(SEED)
const LAT0 = 47.5
const LON0 = 13.0
const KM_PER_DEG_LAT = 111.2
const kmPerDegLon = 111.32 * Math.cos(((LAT0 + 2.7) * Math.PI) / 180)
const place = (): { lat: number; lon: number } => ({
  lat: LAT0 + (rng.next() * 600) / KM_PER_DEG_LAT,
  lon: LON0 + (rng.next() * 400) / kmPerDegLon,
})
const depotSite = Array.from({ length: DEPOTS }, () => ({ ...place(), size: 0.2 + rng.next() }))
const affected = Array.from({ length: AREAS }, () => {
  const population = Math.round(Math.exp(7.5 + rng.normal()))
  const share = Math.min(1, Math.exp(-2 + 0.7 * rng.normal()))
  return { ...place(), affected: Math.round(population * share) }
})
const needs = affected.map((a) => {
  const need = new Map<ItemId, number>()
  for (const it of ITEMS) {
    const norm = DEFAULT_NORMS.norms.find((n) => n.itemId === it.id)!
    need.set(it.id, unitsFor(norm, a.affected, DEFAULT_NORMS))
  }
  return need
})
const stocks = depotSite.map(() => new Map<ItemId, number>())
for (const it of ITEMS) {
  let total = 0
  for (const n of needs) total += n.get(it.id)!
  const target = total * (0.8 + 0.1 * rng.next())
  const weight = depotSite.map((d) => d.size * (0.7 + 0.6 * rng.next()))
  const sum = weight.reduce((x, y) => x + y, 0)
  depotSite.forEach((_, d) => stocks[d]!.set(it.id, Math.floor((target * weight[d]!) / sum)))
}
const depots: AllocationDepot[] = depotSite.map((d, i) => ({
  id: `depot-${i}` as DepotId,
  lat: d.lat,
  lon: d.lon,
  stock: stocks[i]!,
}))
const areas: AllocationArea[] = affected.map((a, i) => ({
  id: `area-${i}` as AreaId,
  lat: a.lat,
  lon: a.lon,
  need: needs[i]!,
}))
// The penalty of a unit left unmet: the cost of carrying it 20,000 km, above 101 × the longest
// arc with 8 nearest depots (see allocation.ts) and the same for the dense model, so the two
// objectives compare.
const PENALTY_KM = 20_000
const items = ITEMS.map((it) => ({
  id: it.id,
  costPerUnitKm: COST_PER_M3_KM * it.volumePerUnitM3,
  penaltyPerUnit: PENALTY_KM * COST_PER_M3_KM * it.volumePerUnitM3,
  volumePerUnitM3: it.volumePerUnitM3,
}))
const input: AllocationInput = { depots, areas, items, reach: { kind: 'nearest', k: K } }

// --- helpers -----------------------------------------------------------------------------------
const s3 = (ms: number): string => (ms / 1000).toFixed(3)
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US')

/** Wraps a solver to count the time spent inside it. */
function timed(solver: LpSolver): LpSolver & { ms: number } {
  const w = {
    ms: 0,
    async solve(model: LpModel): Promise<LpSolution> {
      const t0 = performance.now()
      const r = await solver.solve(model)
      w.ms += performance.now() - t0
      return r
    },
  }
  return w
}

async function plan(
  label: string,
  solver: LpSolver,
  inp: AllocationInput,
  warmStart = true,
): Promise<{ plan: AllocationPlan; ms: number; solveMs: number }> {
  const t = timed(solver)
  const t0 = performance.now()
  const r = await planAllocation(inp, t, { warmStart })
  const ms = performance.now() - t0
  if (!r.ok) throw new Error(`${label}: ${r.issues.map((i) => i.message).join('; ')}`)
  return { plan: r.value, ms, solveMs: t.ms }
}

// --- the runs ----------------------------------------------------------------------------------
let totalNeed = 0
let totalStock = 0
for (const a of areas) for (const q of a.need.values()) totalNeed += q
for (const d of depots) for (const q of d.stock.values()) totalStock += q
console.log(
  `allocation: ${DEPOTS} depots × ${AREAS} areas × ${ITEMS.length} items (seed ${SEED}), ` +
    `region 400 × 600 km, ${fmt(affected.reduce((s, a) => s + a.affected, 0))} people affected, ` +
    `stock ${((100 * totalStock) / totalNeed).toFixed(1)} % of need (all items, units)`,
)
const WARM_UP = process.env['ALLOCATION_WARMUP'] !== '0'
const tLoad = performance.now()
await loadHighsOnce()
const loadMs = performance.now() - tLoad
const tWarm = performance.now()
const solver = await createHighsSolver({ warmUp: WARM_UP })
const warmMs = performance.now() - tWarm
console.log(
  `HiGHS ${solver.version} (WebAssembly) loaded in ${s3(loadMs)} s` +
    (WARM_UP
      ? `, warmed up on its built-in model in ${s3(warmMs)} s`
      : ', not warmed up (ALLOCATION_WARMUP=0)') +
    ' (once per process, not counted below)',
)

const first = await plan('first', solver, input)
const again = await plan('again', solver, input)
const p = first.plan
const problems = checkPlan(input, p)
let delivered = 0
for (const s of p.items) delivered += s.delivered
console.log(
  `model: reach ${K} nearest depots per area (${fmt(p.stats.arcs)} arcs of ${fmt(DEPOTS * AREAS)}), ` +
    `${p.stats.blocks} LPs (items share no constraint), ${fmt(p.stats.columns)} columns, ` +
    `${fmt(p.stats.rows)} rows, ${fmt(p.stats.nonzeros)} non-zeros in all`,
)
console.log(
  `optimal plan, first after the solver was created: ${s3(first.ms)} s (solver ${s3(first.solveMs)} s, ` +
    `${fmt(p.stats.iterations)} simplex iterations); again: ${s3(again.ms)} s`,
)
console.log(
  `objective ${fmt(p.objective)} = transport ${fmt(p.transportCost)} + unmet-need penalty ${fmt(p.penaltyCost)}; ` +
    `${fmt(p.flows.length)} flows; delivered ${((100 * delivered) / totalNeed).toFixed(1)} % of need; ` +
    `checks (stock, need, costs): ${problems.length === 0 ? 'passed' : `FAILED ${problems.length}`}; ` +
    `same objective again: ${Math.abs(again.plan.objective - p.objective) <= 1e-9 * p.objective ? 'yes' : 'NO'}`,
)

const tg = performance.now()
const g = greedyAllocation(input)
const greedyMs = performance.now() - tg
if (!g.ok) throw new Error('greedy failed')
console.log(
  `reference greedy nearest-depot: ${s3(greedyMs)} s, objective ${fmt(g.value.objective)} ` +
    `(transport ${fmt(g.value.transportCost)}, penalty ${fmt(g.value.penaltyCost)}): ` +
    `the optimum is ${((100 * (g.value.objective - p.objective)) / g.value.objective).toFixed(1)} % lower; ` +
    `greedy delivers ${((100 * g.value.delivered) / delivered).toFixed(1)} % of the optimum's delivery`,
)

const cold = await plan('cold', solver, input, false)
console.log(
  `reference without warm starts: ${s3(cold.ms)} s (solver ${s3(cold.solveMs)} s, ` +
    `${fmt(cold.plan.stats.iterations)} iterations), objective ${fmt(cold.plan.objective)}`,
)

// One item (drinking water, the largest need) through CPLEX LP text versus arrays (cold).
const water = items.find((i) => i.id === 'drinking-water')!
const one: AllocationInput = { ...input, items: [water] }
const textSolver = await createHighsSolver({ input: 'lp-text' })
let lpChars = 0
const measuring: LpSolver = {
  solve: (m) => {
    lpChars = toCplexLp(m).length
    return textSolver.solve(m)
  },
}
const viaArrays = await plan('arrays', solver, one, false)
const tText = performance.now()
const viaText = await plan('text', measuring, one, false)
const textMs = performance.now() - tText
console.log(
  `input form, item ${water.id}: arrays ${s3(viaArrays.ms)} s, CPLEX LP text ${s3(textMs)} s ` +
    `(${fmt(lpChars)} characters written twice: once measured, once solved), same objective: ` +
    `${Math.abs(viaArrays.plan.objective - viaText.plan.objective) <= 1e-7 * viaArrays.plan.objective ? 'yes' : 'NO'}`,
)

// The dense model (every depot reaches every area) for the same item.
const dense = await plan('dense', solver, { ...one, reach: { kind: 'all' } }, false)
console.log(
  `dense model (all ${DEPOTS} depots reach every area; ${fmt(DEPOTS * AREAS * ITEMS.length)} flow columns for ` +
    `${ITEMS.length} items), item ${water.id} alone: ${s3(dense.ms)} s, ${fmt(dense.plan.stats.columns)} columns; ` +
    `objective ${fmt(dense.plan.objective)} vs ${fmt(viaArrays.plan.objective)} with ${K} nearest ` +
    `(+${((100 * (viaArrays.plan.objective - dense.plan.objective)) / dense.plan.objective).toFixed(5)} %)`,
)

const eq = await plan('equity', solver, { ...input, equity: true })
let eqDelivered = 0
for (const s of eq.plan.items) eqDelivered += s.delivered
const maxFrac = (pl: AllocationPlan): number => Math.max(...pl.items.map((s) => s.maxUnmetFraction))
console.log(
  `equity variant: ${s3(eq.ms)} s (${eq.plan.stats.solves} solves), largest unmet fraction ` +
    `${(100 * maxFrac(eq.plan)).toFixed(1)} % vs ${(100 * maxFrac(p)).toFixed(1)} % least-cost; delivered ` +
    `${fmt(eqDelivered)} vs ${fmt(delivered)} units; transport cost ${fmt(eq.plan.transportCost)} vs ` +
    `${fmt(p.transportCost)}; checks: ${checkPlan({ ...input, equity: true }, eq.plan).length === 0 ? 'passed' : 'FAILED'}`,
)

console.log(`allocation_greedy_s=${s3(greedyMs)}`)
console.log(`allocation_cold_s=${s3(cold.ms)}`)
console.log(`allocation_s=${s3(first.ms)}`)
