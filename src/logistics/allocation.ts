/**
 * Optimal allocation of depot stock to areas in need, as a linear programme.
 *
 * For each item i, with flows x[d,a] ≥ 0 on the arcs in reach (network.ts) and unmet need
 * u[a] ≥ 0:
 *
 *     minimise   Σ c[d,a,i] x[d,a] + p[i] Σ u[a]
 *     subject to Σ_a x[d,a] ≤ stock[d,i]           for every depot   (stock)
 *                Σ_d x[d,a] + u[a] = need[a,i]     for every area    (need)
 *                0 ≤ x[d,a] ≤ min(need[a,i], stock[d,i])
 *
 * c is the transport cost of one unit (by default great-circle km × the item's cost per unit
 * and km); p is the penalty for one unit of unmet need. Any p above the largest arc cost leaves
 * need unmet only where no depot in reach has stock to spare. The default p is
 * (min(depots, areas) + 1) × the largest arc cost: an augmenting path of the flow network
 * crosses at most min(depots, areas) arcs forwards, so with this p every plan that delivers less
 * than the most that can be delivered costs more than one that delivers the most.
 *
 * Items share nothing in this model, so each item is a separate LP, solved in turn; each starts
 * from the previous item's optimal basis (every item has the same layout: the same arcs, and
 * needs proportional to the same people), which saves most simplex iterations. When depots have
 * an outflow capacity (m³ they can load out in the planning period), that row couples the items
 * (Σ_i volume[i] Σ_a x[d,a,i] ≤ capacity[d]) and all items are solved as one LP.
 *
 * Equity (`equity: true`): a lexicographic two-stage solve. Stage 1 minimises, per item, the
 * largest unmet fraction over areas, z[i] ≥ u[a] ÷ need[a,i] (as rows u[a] − need[a,i] z[i] ≤ 0);
 * stage 2 fixes z[i] ≤ z*[i] + 1e-7 and minimises cost and penalty as above. With a coupled
 * model, stage 1 minimises Σ_i z[i]. Equity never lowers the total delivered: the amounts areas
 * can receive form a polymatroid, so a delivery meeting the bounds of stage 1 can be completed
 * to the largest total, and stage 2's penalty makes it do so. It can cost more transport.
 *
 * Plain (not equity) plans are integral whenever stock and needs are: the constraint matrix is
 * totally unimodular and the simplex returns a vertex.
 */
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Network, Reach } from './network.ts'
import { buildNetwork, checkReach } from './network.ts'
import type { LpBasis, LpModel, LpSolution, LpSolver } from './ports.ts'
import type { AreaId, DepotId, ItemId } from './types.ts'

/** A depot with the stock it can give. */
export interface AllocationDepot {
  readonly id: DepotId
  /** WGS84 degrees. */
  readonly lat: number
  /** WGS84 degrees. */
  readonly lon: number
  /** Units available per item (items not being allocated are ignored). */
  readonly stock: ReadonlyMap<ItemId, number>
  /** Packed volume the depot can load out in the planning period (m³); none when absent. */
  readonly outflowCapacityM3?: number
}

/** An area with its need. */
export interface AllocationArea {
  readonly id: AreaId
  /** WGS84 degrees. */
  readonly lat: number
  /** WGS84 degrees. */
  readonly lon: number
  /** Units needed per item (expected affected persons × norms; items not allocated ignored). */
  readonly need: ReadonlyMap<ItemId, number>
}

/** An item to allocate. */
export interface AllocationItem {
  readonly id: ItemId
  /** Transport cost of one unit over one km (cost units per unit per km). */
  readonly costPerUnitKm: number
  /** Cost of one unit of need left unmet (cost units per unit); see the module comment. */
  readonly penaltyPerUnit?: number
  /** Packed volume of one unit (m³); needed when depots have an outflow capacity. */
  readonly volumePerUnitM3?: number
}

/** What to allocate, from where, to where. */
export interface AllocationInput {
  readonly depots: readonly AllocationDepot[]
  readonly areas: readonly AllocationArea[]
  readonly items: readonly AllocationItem[]
  /** Which depots serve which areas (default: the 8 nearest). */
  readonly reach?: Reach
  /** Minimise the largest unmet fraction first (see the module comment). Default false. */
  readonly equity?: boolean
  /**
   * Transport cost of one unit on an arc (cost units per unit), replacing
   * `distanceKm × item.costPerUnitKm`; must be finite and ≥ 0.
   */
  readonly transportCost?: (
    depot: AllocationDepot,
    area: AllocationArea,
    item: AllocationItem,
    distanceKm: number,
  ) => number
}

/** Units moved from a depot to an area. */
export interface Flow {
  readonly depotId: DepotId
  readonly areaId: AreaId
  readonly itemId: ItemId
  readonly quantity: number
  /** Transport cost of one unit on this arc (cost units per unit). */
  readonly costPerUnit: number
}

/** Need, delivery and shortfall of one item in one area (areas with need > 0). */
export interface AreaItemLine {
  readonly areaId: AreaId
  readonly itemId: ItemId
  readonly need: number
  readonly delivered: number
  /** need − delivered, ≥ 0. */
  readonly unmet: number
  /** unmet ÷ need. */
  readonly unmetFraction: number
}

/** Totals of one item. */
export interface ItemSummary {
  readonly itemId: ItemId
  readonly stock: number
  readonly need: number
  readonly delivered: number
  readonly unmet: number
  /** The largest unmet fraction over areas with need (0 when none). */
  readonly maxUnmetFraction: number
  readonly transportCost: number
  readonly penaltyPerUnit: number
  readonly penaltyCost: number
}

/** The size of what was solved. */
export interface ModelStats {
  readonly arcs: number
  /** Separate LPs (one per item, or one for all items when coupled). */
  readonly blocks: number
  /** Columns, rows and non-zeros summed over the blocks. */
  readonly columns: number
  readonly rows: number
  readonly nonzeros: number
  /** Solver calls (two per block with equity). */
  readonly solves: number
  readonly iterations: number
}

/** An optimal allocation. */
export interface AllocationPlan {
  readonly status: 'optimal'
  readonly equity: boolean
  /** Positive flows, by item then area then depot. */
  readonly flows: readonly Flow[]
  readonly lines: readonly AreaItemLine[]
  readonly items: readonly ItemSummary[]
  readonly transportCost: number
  readonly penaltyCost: number
  /** transportCost + penaltyCost. */
  readonly objective: number
  readonly stats: ModelStats
}

/** How {@link planAllocation} runs the solver. */
export interface PlanOptions {
  /**
   * Start each item's solve from the previous item's optimal basis (default true). Changes the
   * time taken, never the optimum.
   */
  readonly warmStart?: boolean
  /**
   * Called after each block of items is solved (one item, or all items when depots share an
   * outflow capacity), with the blocks done, the number of blocks and the block's label.
   */
  readonly onSolved?: (done: number, total: number, label: string) => void
}

/** The default reach: the 8 nearest depots of each area. */
export const DEFAULT_REACH: Reach = { kind: 'nearest', k: 8 }

/** Upper bound slack on z in stage 2 of the equity solve. */
const EQUITY_SLACK = 1e-7

// --- validation --------------------------------------------------------------------------------

const isNonNeg = (x: number): boolean => Number.isFinite(x) && x >= 0

function checkInput(input: AllocationInput): Issue[] {
  const issues: Issue[] = []
  const position = (path: (string | number)[], lat: number, lon: number): void => {
    if (!(Number.isFinite(lat) && Math.abs(lat) <= 90))
      issues.push({
        path: [...path, 'lat'],
        message: `must be a latitude in [-90, 90], got ${lat}`,
      })
    if (!(Number.isFinite(lon) && Math.abs(lon) <= 180))
      issues.push({
        path: [...path, 'lon'],
        message: `must be a longitude in [-180, 180], got ${lon}`,
      })
  }
  const quantities = (path: (string | number)[], m: ReadonlyMap<ItemId, number>): void => {
    for (const [id, q] of m)
      if (!isNonNeg(q))
        issues.push({ path: [...path, id], message: `must be a finite number ≥ 0, got ${q}` })
  }
  const unique = <T>(ids: readonly T[], what: string): void => {
    const seen = new Set<T>()
    ids.forEach((id, i) => {
      if (seen.has(id))
        issues.push({ path: [what, i, 'id'], message: `a second ${what} entry for ${String(id)}` })
      seen.add(id)
    })
  }
  unique(
    input.depots.map((d) => d.id),
    'depots',
  )
  unique(
    input.areas.map((a) => a.id),
    'areas',
  )
  unique(
    input.items.map((i) => i.id),
    'items',
  )
  input.depots.forEach((d, i) => {
    position(['depots', i], d.lat, d.lon)
    quantities(['depots', i, 'stock'], d.stock)
    if (d.outflowCapacityM3 !== undefined && !isNonNeg(d.outflowCapacityM3))
      issues.push({
        path: ['depots', i, 'outflowCapacityM3'],
        message: `must be a finite number ≥ 0, got ${d.outflowCapacityM3}`,
      })
  })
  input.areas.forEach((a, i) => {
    position(['areas', i], a.lat, a.lon)
    quantities(['areas', i, 'need'], a.need)
  })
  const coupled = input.depots.some((d) => d.outflowCapacityM3 !== undefined)
  input.items.forEach((it, i) => {
    if (!isNonNeg(it.costPerUnitKm))
      issues.push({
        path: ['items', i, 'costPerUnitKm'],
        message: `must be a finite number ≥ 0, got ${it.costPerUnitKm}`,
      })
    if (
      it.penaltyPerUnit !== undefined &&
      !(Number.isFinite(it.penaltyPerUnit) && it.penaltyPerUnit > 0)
    )
      issues.push({
        path: ['items', i, 'penaltyPerUnit'],
        message: `must be a finite number > 0, got ${it.penaltyPerUnit}`,
      })
    if (coupled && !(it.volumePerUnitM3 !== undefined && isNonNeg(it.volumePerUnitM3)))
      issues.push({
        path: ['items', i, 'volumePerUnitM3'],
        message: `depots have an outflow capacity, so every item needs a finite volume ≥ 0, got ${it.volumePerUnitM3}`,
      })
  })
  issues.push(...checkReach(input.reach ?? DEFAULT_REACH))
  return issues
}

// --- the model ---------------------------------------------------------------------------------

/** Per item: the cost of each arc, the penalty, stock per depot and need per area. */
interface ItemData {
  readonly cost: Float64Array
  readonly penalty: number
  readonly stock: Float64Array
  readonly need: Float64Array
  readonly volume: number
}

function itemData(input: AllocationInput, net: Network, issues: Issue[]): ItemData[] {
  const D = net.numDepots
  const A = net.numAreas
  return input.items.map((item, i): ItemData => {
    const cost = new Float64Array(net.arcDepot.length)
    let maxCost = 0
    for (let e = 0; e < cost.length; e++) {
      const km = net.arcKm[e]!
      const c =
        input.transportCost === undefined
          ? km * item.costPerUnitKm
          : input.transportCost(
              input.depots[net.arcDepot[e]!]!,
              input.areas[net.arcArea[e]!]!,
              item,
              km,
            )
      if (!isNonNeg(c)) {
        if (issues.length < 100)
          issues.push({
            path: [
              'transportCost',
              input.depots[net.arcDepot[e]!]!.id,
              input.areas[net.arcArea[e]!]!.id,
              item.id,
            ],
            message: `must be a finite number ≥ 0, got ${c}`,
          })
        continue
      }
      cost[e] = c
      if (c > maxCost) maxCost = c
    }
    const defaultPenalty = maxCost > 0 ? (Math.min(D, A) + 1) * maxCost : 1
    const penalty = item.penaltyPerUnit ?? defaultPenalty
    if (penalty <= maxCost)
      issues.push({
        path: ['items', i, 'penaltyPerUnit'],
        message: `must exceed the largest transport cost of the item (${maxCost}), got ${penalty}`,
      })
    const stock = new Float64Array(D)
    for (let d = 0; d < D; d++) stock[d] = input.depots[d]!.stock.get(item.id) ?? 0
    const need = new Float64Array(A)
    for (let a = 0; a < A; a++) need[a] = input.areas[a]!.need.get(item.id) ?? 0
    return { cost, penalty, stock, need, volume: item.volumePerUnitM3 ?? 0 }
  })
}

/** Where a block's columns and rows are. */
interface Layout {
  readonly arcs: number
  readonly areas: number
  readonly depots: number
  readonly equity: boolean
  readonly colsPerItem: number
  readonly rowsPerItem: number
}

function layoutOf(net: Network, equity: boolean): Layout {
  const arcs = net.arcDepot.length
  const A = net.numAreas
  const D = net.numDepots
  return {
    arcs,
    areas: A,
    depots: D,
    equity,
    colsPerItem: arcs + A + (equity ? 1 : 0),
    rowsPerItem: D + A + (equity ? A : 0),
  }
}

/**
 * The LP of a block of items (one item, or all items when coupled) for a stage: `cost` (the
 * plain model, or equity stage 2 with z bounded by `zUpper`) or `equity` (stage 1: minimise z).
 */
function buildModel(
  net: Network,
  L: Layout,
  data: readonly ItemData[],
  capacity: Float64Array | null,
  stage: 'cost' | 'equity',
  zUpper: readonly number[] | null,
): LpModel {
  const m = data.length
  const { arcs, areas: A, depots: D } = L
  const numCols = m * L.colsPerItem
  const numRows = m * L.rowsPerItem + (capacity === null ? 0 : D)
  const colCost = new Float64Array(numCols)
  const colLower = new Float64Array(numCols)
  const colUpper = new Float64Array(numCols)
  const rowLower = new Float64Array(numRows)
  const rowUpper = new Float64Array(numRows)
  let nnz = m * (arcs * (capacity === null ? 2 : 3) + A * (L.equity ? 3 : 1))
  const starts = new Int32Array(numCols + 1)
  const indices = new Int32Array(nnz)
  const values = new Float64Array(nnz)
  const capRow = m * L.rowsPerItem
  nnz = 0
  for (let t = 0; t < m; t++) {
    const it = data[t]!
    const c0 = t * L.colsPerItem
    const r0 = t * L.rowsPerItem
    for (let e = 0; e < arcs; e++) {
      const j = c0 + e
      const d = net.arcDepot[e]!
      const a = net.arcArea[e]!
      colCost[j] = stage === 'cost' ? it.cost[e]! : 0
      colUpper[j] = Math.min(it.need[a]!, it.stock[d]!)
      starts[j] = nnz
      indices[nnz] = r0 + d
      values[nnz++] = 1
      indices[nnz] = r0 + D + a
      values[nnz++] = 1
      if (capacity !== null && it.volume > 0) {
        indices[nnz] = capRow + d
        values[nnz++] = it.volume
      }
    }
    for (let a = 0; a < A; a++) {
      const j = c0 + arcs + a
      colCost[j] = stage === 'cost' ? it.penalty : 0
      colUpper[j] = it.need[a]!
      starts[j] = nnz
      indices[nnz] = r0 + D + a
      values[nnz++] = 1
      if (L.equity) {
        indices[nnz] = r0 + D + A + a
        values[nnz++] = 1
      }
    }
    if (L.equity) {
      const j = c0 + arcs + A
      colCost[j] = stage === 'equity' ? 1 : 0
      colUpper[j] = zUpper === null ? 1 : Math.min(1, zUpper[t]!)
      starts[j] = nnz
      for (let a = 0; a < A; a++) {
        if (it.need[a]! === 0) continue
        indices[nnz] = r0 + D + A + a
        values[nnz++] = -it.need[a]!
      }
    }
    for (let d = 0; d < D; d++) {
      rowLower[r0 + d] = -Infinity
      rowUpper[r0 + d] = it.stock[d]!
    }
    for (let a = 0; a < A; a++) {
      rowLower[r0 + D + a] = it.need[a]!
      rowUpper[r0 + D + a] = it.need[a]!
      if (L.equity) {
        rowLower[r0 + D + A + a] = -Infinity
        rowUpper[r0 + D + A + a] = 0
      }
    }
  }
  if (capacity !== null)
    for (let d = 0; d < D; d++) {
      rowLower[capRow + d] = -Infinity
      rowUpper[capRow + d] = capacity[d]!
    }
  starts[numCols] = nnz
  return {
    numCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    starts,
    indices: nnz === indices.length ? indices : indices.slice(0, nnz),
    values: nnz === values.length ? values : values.slice(0, nnz),
  }
}

const withBasis = (model: LpModel, basis: LpBasis | undefined): LpModel =>
  basis === undefined ? model : { ...model, startBasis: basis }

// --- solving and reading the plan --------------------------------------------------------------

/** Rounds values within 1e-7 (relative) of an integer to it, so integral plans read as such. */
function snap(x: number): number {
  const r = Math.round(x)
  return Math.abs(x - r) <= 1e-7 * Math.max(1, Math.abs(x)) ? r : x
}

/**
 * Plans the allocation: builds the LP(s), solves them with `solver`, reads the flows and unmet
 * need, and checks the plan against the input ({@link checkPlan}).
 *
 * @returns the plan, or every problem with the input (paths into `input`), or a refusal when a
 *   solve does not end optimal (path `['solver', item]`) or the solution fails its check
 */
export async function planAllocation(
  input: AllocationInput,
  solver: LpSolver,
  options: PlanOptions = {},
): Promise<Result<AllocationPlan>> {
  const issues = checkInput(input)
  if (issues.length > 0) return fail(issues)
  const net = buildNetwork(input.depots, input.areas, input.reach ?? DEFAULT_REACH)
  const data = itemData(input, net, issues)
  if (issues.length > 0) return fail(issues)

  const equity = input.equity === true
  const L = layoutOf(net, equity)
  const coupled = input.depots.some((d) => d.outflowCapacityM3 !== undefined)
  const capacity = coupled
    ? Float64Array.from(input.depots, (d) => d.outflowCapacityM3 ?? Infinity)
    : null
  const blocks: number[][] = coupled
    ? [input.items.map((_, i) => i)]
    : input.items.map((_, i) => [i])

  const x = new Float64Array(input.items.length * L.colsPerItem)
  let columns = 0
  let rows = 0
  let nonzeros = 0
  let solves = 0
  let iterations = 0
  const reuse = options.warmStart !== false
  let warm: LpBasis | undefined
  let warmEquity: LpBasis | undefined
  let blocksDone = 0
  for (const block of blocks) {
    const blockData = block.map((i) => data[i]!)
    const label = coupled ? 'all items' : input.items[block[0]!]!.id
    let zUpper: number[] | null = null
    let stage2Start: LpBasis | undefined = warm
    if (equity) {
      const s1 = await solver.solve(
        withBasis(buildModel(net, L, blockData, capacity, 'equity', null), warmEquity),
      )
      solves++
      iterations += s1.iterations
      if (s1.status !== 'optimal') return refuse(label, 'equity stage', s1)
      if (reuse) warmEquity = s1.basis
      stage2Start = s1.basis
      zUpper = block.map(
        (_, t) => s1.colValue[t * L.colsPerItem + L.arcs + L.areas]! + EQUITY_SLACK,
      )
    }
    const model = buildModel(net, L, blockData, capacity, 'cost', zUpper)
    columns += model.numCols
    rows += model.numRows
    nonzeros += model.values.length
    const s = await solver.solve(withBasis(model, stage2Start))
    solves++
    iterations += s.iterations
    if (s.status !== 'optimal') return refuse(label, equity ? 'cost stage' : 'solve', s)
    if (reuse) warm = s.basis
    block.forEach((i, t) =>
      x.set(s.colValue.subarray(t * L.colsPerItem, (t + 1) * L.colsPerItem), i * L.colsPerItem),
    )
    options.onSolved?.(++blocksDone, blocks.length, label)
  }

  const plan = readPlan(input, net, L, data, x, equity, {
    arcs: net.arcDepot.length,
    blocks: blocks.length,
    columns,
    rows,
    nonzeros,
    solves,
    iterations,
  })
  const problems = checkPlan(input, plan)
  if (problems.length > 0) return fail(problems)
  return ok(plan)
}

/** The cost of a plan made by a simple rule, for comparison. */
export interface HeuristicCost {
  readonly transportCost: number
  readonly penaltyCost: number
  /** transportCost + penaltyCost. */
  readonly objective: number
  readonly delivered: number
}

/**
 * A greedy reference: areas in input order, each served from its depots in reach nearest first
 * while they have stock, on the same arcs, costs and penalties as {@link planAllocation}. A
 * feasible plan of the same model, so its objective bounds the optimum from above. Ignores
 * outflow capacities and equity.
 *
 * @returns the cost of the greedy plan, or every problem with the input
 */
export function greedyAllocation(input: AllocationInput): Result<HeuristicCost> {
  const issues = checkInput(input)
  if (issues.length > 0) return fail(issues)
  const net = buildNetwork(input.depots, input.areas, input.reach ?? DEFAULT_REACH)
  const data = itemData(input, net, issues)
  if (issues.length > 0) return fail(issues)
  let transportCost = 0
  let penaltyCost = 0
  let delivered = 0
  for (const it of data) {
    const left = Float64Array.from(it.stock)
    for (let a = 0; a < net.numAreas; a++) {
      let rest = it.need[a]!
      for (let e = net.areaStart[a]!; e < net.areaStart[a + 1]! && rest > 0; e++) {
        const d = net.arcDepot[e]!
        const q = Math.min(rest, left[d]!)
        if (q <= 0) continue
        left[d] = left[d]! - q
        rest -= q
        transportCost += q * it.cost[e]!
        delivered += q
      }
      penaltyCost += rest * it.penalty
    }
  }
  return ok({ transportCost, penaltyCost, objective: transportCost + penaltyCost, delivered })
}

function refuse(label: string, stage: string, s: LpSolution): Result<AllocationPlan> {
  return fail([
    {
      path: ['solver', label],
      message: `the ${stage} ended ${s.status}, not optimal: no plan is made from it`,
    },
  ])
}

function readPlan(
  input: AllocationInput,
  net: Network,
  L: Layout,
  data: readonly ItemData[],
  x: Float64Array,
  equity: boolean,
  stats: ModelStats,
): AllocationPlan {
  const flows: Flow[] = []
  const lines: AreaItemLine[] = []
  const items: ItemSummary[] = []
  let transportCost = 0
  let penaltyCost = 0
  const delivered = new Float64Array(L.areas)
  input.items.forEach((item, i) => {
    const it = data[i]!
    const c0 = i * L.colsPerItem
    delivered.fill(0)
    let itemCost = 0
    for (let e = 0; e < L.arcs; e++) {
      const q = snap(x[c0 + e]!)
      if (q <= 0) continue
      const a = net.arcArea[e]!
      delivered[a] = delivered[a]! + q
      itemCost += q * it.cost[e]!
      flows.push({
        depotId: input.depots[net.arcDepot[e]!]!.id,
        areaId: input.areas[a]!.id,
        itemId: item.id,
        quantity: q,
        costPerUnit: it.cost[e]!,
      })
    }
    let need = 0
    let got = 0
    let unmetSum = 0
    let maxFrac = 0
    for (let a = 0; a < L.areas; a++) {
      const n = it.need[a]!
      if (n === 0) continue
      const dl = snap(delivered[a]!)
      const u = Math.max(0, snap(n - dl))
      need += n
      got += dl
      unmetSum += u
      if (u / n > maxFrac) maxFrac = u / n
      lines.push({
        areaId: input.areas[a]!.id,
        itemId: item.id,
        need: n,
        delivered: dl,
        unmet: u,
        unmetFraction: u / n,
      })
    }
    let stock = 0
    for (let d = 0; d < L.depots; d++) stock += it.stock[d]!
    items.push({
      itemId: item.id,
      stock,
      need,
      delivered: got,
      unmet: unmetSum,
      maxUnmetFraction: maxFrac,
      transportCost: itemCost,
      penaltyPerUnit: it.penalty,
      penaltyCost: unmetSum * it.penalty,
    })
    transportCost += itemCost
    penaltyCost += unmetSum * it.penalty
  })
  return {
    status: 'optimal',
    equity,
    flows,
    lines,
    items,
    transportCost,
    penaltyCost,
    objective: transportCost + penaltyCost,
    stats,
  }
}

/**
 * Checks a plan against its input, independently of how it was made: flows are finite and > 0,
 * each depot gives at most its stock of each item and at most its outflow capacity (m³), each
 * area receives at most its need, and the reported delivery, unmet need and costs add up.
 * Tolerance: 1e-6 relative.
 *
 * @returns every problem found (empty when the plan is sound)
 */
export function checkPlan(input: AllocationInput, plan: AllocationPlan): Issue[] {
  const issues: Issue[] = []
  const tol = (x: number): number => 1e-6 * Math.max(1, Math.abs(x))
  const D = input.depots.length
  const A = input.areas.length
  const I = input.items.length
  const depotIx = new Map(input.depots.map((d, i) => [d.id, i]))
  const areaIx = new Map(input.areas.map((a, i) => [a.id, i]))
  const itemIx = new Map(input.items.map((it, i) => [it.id, i]))
  const given = new Float64Array(D * I)
  const received = new Float64Array(A * I)
  const volume = new Float64Array(D)
  let cost = 0
  plan.flows.forEach((f, k) => {
    if (!(Number.isFinite(f.quantity) && f.quantity > 0))
      issues.push({
        path: ['flows', k, 'quantity'],
        message: `must be finite and > 0, got ${f.quantity}`,
      })
    const d = depotIx.get(f.depotId)
    const a = areaIx.get(f.areaId)
    const i = itemIx.get(f.itemId)
    if (d === undefined || a === undefined || i === undefined) {
      issues.push({
        path: ['flows', k],
        message: `unknown depot, area or item in ${f.depotId}→${f.areaId} ${f.itemId}`,
      })
      return
    }
    given[d * I + i] = given[d * I + i]! + f.quantity
    received[a * I + i] = received[a * I + i]! + f.quantity
    volume[d] = volume[d]! + f.quantity * (input.items[i]!.volumePerUnitM3 ?? 0)
    cost += f.quantity * f.costPerUnit
  })
  input.depots.forEach((depot, d) => {
    input.items.forEach((it, i) => {
      const q = given[d * I + i]!
      const stock = depot.stock.get(it.id) ?? 0
      if (q > stock + tol(stock))
        issues.push({
          path: ['flows'],
          message: `depot ${depot.id} gives ${q} of ${it.id} but holds ${stock}`,
        })
    })
    const cap = depot.outflowCapacityM3
    if (cap !== undefined && volume[d]! > cap + tol(cap))
      issues.push({
        path: ['flows'],
        message: `depot ${depot.id} loads out ${volume[d]} m³, over its ${cap} m³`,
      })
  })
  const lined = new Uint8Array(A * I)
  plan.lines.forEach((l, k) => {
    const a = areaIx.get(l.areaId)
    const i = itemIx.get(l.itemId)
    if (a === undefined || i === undefined) {
      issues.push({ path: ['lines', k], message: `unknown area or item ${l.areaId} ${l.itemId}` })
      return
    }
    lined[a * I + i] = 1
    const need = input.areas[a]!.need.get(l.itemId) ?? 0
    const got = received[a * I + i]!
    if (Math.abs(l.need - need) > tol(need) || Math.abs(l.delivered - got) > tol(got))
      issues.push({
        path: ['lines', k],
        message: `need ${l.need} / delivered ${l.delivered} differ from ${need} / ${got}`,
      })
    if (l.unmet < -tol(need) || Math.abs(l.unmet - (need - got)) > tol(need))
      issues.push({
        path: ['lines', k, 'unmet'],
        message: `must be need − delivered = ${need - got} ≥ 0, got ${l.unmet}`,
      })
  })
  input.areas.forEach((area, a) => {
    input.items.forEach((it, i) => {
      const need = area.need.get(it.id) ?? 0
      const got = received[a * I + i]!
      if (got > need + tol(need))
        issues.push({
          path: ['flows'],
          message: `area ${area.id} receives ${got} of ${it.id}, needs ${need}`,
        })
      if (need > 0 && lined[a * I + i] === 0)
        issues.push({ path: ['lines'], message: `no line for the need of ${area.id} for ${it.id}` })
    })
  })
  let penalty = 0
  for (const s of plan.items) penalty += s.unmet * s.penaltyPerUnit
  if (Math.abs(cost - plan.transportCost) > tol(cost))
    issues.push({
      path: ['transportCost'],
      message: `flows cost ${cost}, the plan says ${plan.transportCost}`,
    })
  if (Math.abs(penalty - plan.penaltyCost) > tol(penalty))
    issues.push({
      path: ['penaltyCost'],
      message: `unmet need costs ${penalty}, the plan says ${plan.penaltyCost}`,
    })
  return issues
}
