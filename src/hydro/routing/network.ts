/**
 * A river network: sub-basins joined by reaches into a tree that drains downstream.
 *
 * Each node is a sub-basin with its own area and its local flow (mm per step, from any
 * rainfall-runoff model run on that sub-basin alone). Its outlet flow is its local flow in m³/s
 * plus everything that arrives from upstream; a node that is not an outlet sends its outlet flow
 * down a reach (see `reach.ts`) to one downstream node, where it is added at the confluence.
 * {@link routeNetwork} visits the nodes in topological order (every node after all the nodes
 * that drain into it), so each outlet flow is complete before it is routed on.
 *
 * The budget of the whole network closes: Σ local volumes = Σ volumes out of the outlets +
 * Δ(volume stored in the reaches), with the storage of {@link networkStorage}.
 */
import { InputError } from '../../core/errors.ts'
import type { Issue, Result } from '../../core/result.ts'
import { fail, formatIssue, ok } from '../../core/result.ts'
import type { ReachRouting } from './reach.ts'
import { checkReach, reachStateSize, reachStorage, routeReach } from './reach.ts'
import { mmPerStepToM3sSeries } from './units.ts'

/** The link from a node to the node its outlet drains into. */
export interface DownstreamLink {
  /** Id of the downstream node. */
  readonly id: string
  /** How the reach between the two carries flow. */
  readonly reach: ReachRouting
}

/** The shape {@link topologicalOrder} needs: an id and where it drains. */
export interface NetworkLink {
  readonly id: string
  readonly downstream: { readonly id: string } | null
}

/** A sub-basin of a network. */
export interface SubBasin extends NetworkLink {
  /** Area of the sub-basin alone, without what lies upstream (km², ≥ 0). */
  readonly areaKm2: number
  /** Flow produced on the sub-basin alone (mm per step, ≥ 0); the same length for every node. */
  readonly localFlow: Float64Array
  /** Where the outlet drains, or null at an outlet of the network. */
  readonly downstream: DownstreamLink | null
}

export interface NetworkOptions {
  /** The time step of every series (s, > 0). */
  readonly stepSeconds: number
  /**
   * Reach states by node id, from {@link NetworkRun.states} of a previous run, to continue warm;
   * a reach without one starts empty.
   */
  readonly states?: ReadonlyMap<string, Float64Array>
}

export interface NetworkRun {
  /** Node ids in the order they were processed (upstream first). */
  readonly order: readonly string[]
  /** Each node's local flow converted to m³/s. */
  readonly localFlow: ReadonlyMap<string, Float64Array>
  /** Flow at each node's outlet: local flow plus all that arrives from upstream (m³/s). */
  readonly outletFlow: ReadonlyMap<string, Float64Array>
  /** Flow out of each node's reach, as it reaches the downstream node (m³/s); outlets have none. */
  readonly routedFlow: ReadonlyMap<string, Float64Array>
  /** Reach states at the end of the run by node id, to pass to the next run; outlets have none. */
  readonly states: ReadonlyMap<string, Float64Array>
}

/**
 * Indices of `nodes` upstream first, and every structural problem in `issues`: duplicate ids,
 * links to unknown nodes, cycles. Nodes on a cycle are left out of the order.
 */
function orderNodes(nodes: readonly NetworkLink[], issues: Issue[]): number[] {
  const n = nodes.length
  const index = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const id = nodes[i]!.id
    const first = index.get(id)
    if (first === undefined) index.set(id, i)
    else
      issues.push({
        path: ['nodes', i, 'id'],
        message: `duplicate id "${id}" (also nodes[${first}])`,
      })
  }
  // down[i]: index of the node i drains into, −1 at an outlet or after an unknown link.
  const down = new Int32Array(n).fill(-1)
  const upstreamCount = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const link = nodes[i]!.downstream
    if (link === null) continue
    const d = index.get(link.id)
    if (d === undefined) {
      issues.push({
        path: ['nodes', i, 'downstream', 'id'],
        message: `"${nodes[i]!.id}" drains into unknown node "${link.id}"`,
      })
      continue
    }
    down[i] = d
    upstreamCount[d]!++
  }
  // Kahn's algorithm; ties keep the input order, so the order is reproducible.
  const order: number[] = []
  for (let i = 0; i < n; i++) if (upstreamCount[i] === 0) order.push(i)
  for (let k = 0; k < order.length; k++) {
    const d = down[order[k]!]!
    if (d >= 0 && --upstreamCount[d]! === 0) order.push(d)
  }
  if (order.length < n) {
    // Each node has one downstream link, so the nodes left over lie on cycles: walk each once.
    const seen = new Uint8Array(n)
    for (const i of order) seen[i] = 1
    for (let i = 0; i < n; i++) {
      if (seen[i] === 1) continue
      const ids: string[] = []
      let j = i
      while (seen[j] === 0) {
        seen[j] = 1
        ids.push(nodes[j]!.id)
        j = down[j]!
      }
      issues.push({
        path: ['nodes', i, 'downstream'],
        message: `nodes form a cycle: ${ids.join(' → ')} → ${nodes[i]!.id}`,
      })
    }
  }
  return order
}

/**
 * The ids of `nodes` in topological order: every node after all the nodes that drain into it,
 * ties in input order.
 *
 * @returns the order, or every duplicate id, link to an unknown node and cycle (each cycle once,
 *   as `A → B → A`), with its path into `nodes`
 */
export function topologicalOrder(nodes: readonly NetworkLink[]): Result<readonly string[]> {
  const issues: Issue[] = []
  const order = orderNodes(nodes, issues)
  if (issues.length > 0) return fail(issues)
  return ok(order.map((i) => nodes[i]!.id))
}

/** Checks everything but the structure: step, areas, series, reaches and saved states. */
function checkContents(nodes: readonly SubBasin[], options: NetworkOptions, issues: Issue[]): void {
  const dt = options.stepSeconds
  const dtOk = Number.isFinite(dt) && dt > 0
  if (!dtOk)
    issues.push({ path: ['stepSeconds'], message: `must be a finite number > 0, got ${dt}` })
  const len = nodes[0]?.localFlow.length ?? 0
  const ids = new Set<string>()
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!
    ids.add(node.id)
    if (!(Number.isFinite(node.areaKm2) && node.areaKm2 >= 0))
      issues.push({
        path: ['nodes', i, 'areaKm2'],
        message: `must be a finite number ≥ 0, got ${node.areaKm2}`,
      })
    const q = node.localFlow
    if (q.length !== len) {
      issues.push({
        path: ['nodes', i, 'localFlow'],
        message: `has ${q.length} steps, but nodes[0] has ${len}`,
      })
    } else {
      for (let t = 0; t < len; t++) {
        if (!(q[t]! >= 0 && q[t]! < Infinity)) {
          issues.push({
            path: ['nodes', i, 'localFlow', t],
            message: `must be a finite flow ≥ 0 mm/step, got ${q[t]}`,
          })
          break
        }
      }
    }
    const link = node.downstream
    const saved = options.states?.get(node.id)
    if (link === null) {
      if (saved !== undefined)
        issues.push({
          path: ['states', node.id],
          message: `"${node.id}" is an outlet: it has no reach`,
        })
    } else if (dtOk) {
      const reachIssues = checkReach(link.reach, dt, ['nodes', i, 'downstream', 'reach'])
      issues.push(...reachIssues)
      const size = reachIssues.length === 0 ? reachStateSize(link.reach, dt) : -1
      if (saved !== undefined && size >= 0 && saved.length !== size)
        issues.push({
          path: ['states', node.id],
          message: `the reach of "${node.id}" has a state of ${size} values, got ${saved.length}`,
        })
      else if (saved !== undefined && size >= 0) {
        const bad = saved.findIndex((v) => !(v >= 0 && v < Infinity))
        if (bad >= 0)
          issues.push({
            path: ['states', node.id, bad],
            message: `must be a finite number ≥ 0, got ${saved[bad]}`,
          })
      }
    }
  }
  for (const id of options.states?.keys() ?? []) {
    if (!ids.has(id))
      issues.push({ path: ['states', id], message: `no node "${id}" in the network` })
  }
}

/**
 * Every problem that keeps {@link routeNetwork} from running on `nodes`: the structural ones of
 * {@link topologicalOrder}, then a bad step, areas, local flows (unequal lengths, values not
 * finite or negative), reach parameters, and saved states of the wrong size, with values not
 * finite or negative, or for unknown nodes or outlets.
 */
export function checkNetwork(nodes: readonly SubBasin[], options: NetworkOptions): Issue[] {
  const issues: Issue[] = []
  orderNodes(nodes, issues)
  checkContents(nodes, options, issues)
  return issues
}

/**
 * Routes the local flows of every sub-basin down the network.
 *
 * @param nodes the sub-basins, in any order
 * @param options the time step (s) and saved reach states
 * @returns the outlet flow of every node, the routed flow of every reach (m³/s) and the reach
 *   states at the end, or every problem {@link checkNetwork} finds
 */
export function routeNetwork(
  nodes: readonly SubBasin[],
  options: NetworkOptions,
): Result<NetworkRun> {
  const issues: Issue[] = []
  const order = orderNodes(nodes, issues)
  checkContents(nodes, options, issues)
  if (issues.length > 0) return fail(issues)
  const dt = options.stepSeconds
  const len = nodes[0]?.localFlow.length ?? 0
  const index = new Map<string, number>()
  const outlet: Float64Array[] = []
  const localFlow = new Map<string, Float64Array>()
  const outletFlow = new Map<string, Float64Array>()
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!
    index.set(node.id, i)
    const local = mmPerStepToM3sSeries(node.localFlow, node.areaKm2, dt, new Float64Array(len))
    localFlow.set(node.id, local)
    const out = Float64Array.from(local)
    outlet.push(out)
    outletFlow.set(node.id, out)
  }
  const routedFlow = new Map<string, Float64Array>()
  const states = new Map<string, Float64Array>()
  for (const i of order) {
    const node = nodes[i]!
    const link = node.downstream
    if (link === null) continue
    const saved = options.states?.get(node.id)
    const state =
      saved !== undefined
        ? Float64Array.from(saved)
        : new Float64Array(reachStateSize(link.reach, dt))
    const routed = new Float64Array(len)
    routeReach(link.reach, dt, outlet[i]!, state, routed)
    const target = outlet[index.get(link.id)!]!
    for (let t = 0; t < len; t++) target[t] = target[t]! + routed[t]!
    routedFlow.set(node.id, routed)
    states.set(node.id, state)
  }
  return ok({
    order: order.map((i) => nodes[i]!.id),
    localFlow,
    outletFlow,
    routedFlow,
    states,
  })
}

/**
 * {@link routeNetwork} for callers that hold a network known to be valid.
 *
 * @throws InputError listing every problem when the network cannot be routed
 */
export function routeNetworkOrThrow(
  nodes: readonly SubBasin[],
  options: NetworkOptions,
): NetworkRun {
  const r = routeNetwork(nodes, options)
  if (!r.ok) throw new InputError(`river network: ${r.issues.map(formatIssue).join('; ')}`)
  return r.value
}

/**
 * The volume held in all the reaches of `nodes` in `states` (from {@link NetworkRun.states}; a
 * reach without a state counts as empty).
 *
 * @returns the stored volume (m³)
 */
export function networkStorage(
  nodes: readonly SubBasin[],
  states: ReadonlyMap<string, Float64Array>,
  stepSeconds: number,
): number {
  let s = 0
  for (const node of nodes) {
    const state = states.get(node.id)
    if (node.downstream !== null && state !== undefined)
      s += reachStorage(node.downstream.reach, stepSeconds, state)
  }
  return s
}
