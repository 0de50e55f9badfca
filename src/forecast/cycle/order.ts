/**
 * Which basins a forecast cycle runs and in what order.
 *
 * The order is a depth-first post-order of the river network: every basin comes after all the
 * basins upstream of it (a topological order, as routing needs), and each tributary's basins
 * come together, just before the confluence they feed. Among the topological orders this one
 * keeps the fewest routed flows waiting for their downstream basin (at most about the depth of
 * the network, where Kahn's order from the headwaters keeps about half the basins waiting), so
 * the cycle's memory does not grow with the size of the network.
 */
import type { BasinId } from '../../core/ids.ts'
import type { Issue, Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import { topologicalOrder } from '../../hydro/routing/network.ts'
import type { Basin, ReachRoutingSpec } from '../../observe/types.ts'

/** The basins of one cycle and how they join. */
export interface NetworkPlan {
  /** Basins to forecast, each after every basin upstream of it, each tributary together. */
  readonly order: readonly BasinId[]
  /** Each planned basin by id. */
  readonly basins: ReadonlyMap<BasinId, Basin>
  /**
   * Where each planned basin drains within the plan, with its reach; null at an outlet of the
   * network and where the downstream basin is not in the plan.
   */
  readonly downstream: ReadonlyMap<
    BasinId,
    { readonly basinId: BasinId; readonly reach: ReachRoutingSpec } | null
  >
  /** Area draining to each basin's outlet: its own and every basin's upstream (km²). */
  readonly totalAreaKm2: ReadonlyMap<BasinId, number>
}

/**
 * Plans a cycle over `basins`.
 *
 * @param basins every basin of the network, in any order (ties in the order follow it)
 * @param selection basins to forecast; every basin upstream of them is added, since routing
 *   needs their flow; all basins when absent
 * @returns the plan, or every structural problem of the network (duplicate ids, links to
 *   unknown basins, cycles) and every selected id that is not a basin
 */
export function planNetwork(
  basins: readonly Basin[],
  selection?: readonly BasinId[],
): Result<NetworkPlan> {
  const links = basins.map((b) => ({
    id: b.id as string,
    downstream: b.downstream === null ? null : { id: b.downstream.basinId as string },
  }))
  const structure = topologicalOrder(links)
  if (!structure.ok) return structure
  const byId = new Map<BasinId, Basin>()
  for (const b of basins) byId.set(b.id, b)
  const children = new Map<BasinId, BasinId[]>()
  for (const b of basins) {
    if (b.downstream === null) continue
    const list = children.get(b.downstream.basinId)
    if (list === undefined) children.set(b.downstream.basinId, [b.id])
    else list.push(b.id)
  }

  const selected = new Set<BasinId>()
  if (selection === undefined) {
    for (const b of basins) selected.add(b.id)
  } else {
    const issues: Issue[] = []
    selection.forEach((id, i) => {
      if (!byId.has(id)) issues.push({ path: ['basins', i], message: `no basin "${id}"` })
    })
    if (issues.length > 0) return fail(issues)
    const stack = [...selection]
    while (stack.length > 0) {
      const id = stack.pop()!
      if (selected.has(id)) continue
      selected.add(id)
      for (const up of children.get(id) ?? []) stack.push(up)
    }
  }

  const downstream = new Map<
    BasinId,
    { readonly basinId: BasinId; readonly reach: ReachRoutingSpec } | null
  >()
  for (const id of selected) {
    const d = byId.get(id)!.downstream
    downstream.set(id, d !== null && selected.has(d.basinId) ? d : null)
  }

  // Iterative post-order from each outlet of the plan, outlets and tributaries in input order.
  const order: BasinId[] = []
  const totalAreaKm2 = new Map<BasinId, number>()
  const stackId: BasinId[] = []
  const stackNext: number[] = []
  for (const b of basins) {
    if (!selected.has(b.id) || downstream.get(b.id) !== null) continue
    stackId.push(b.id)
    stackNext.push(0)
    while (stackId.length > 0) {
      const top = stackId.length - 1
      const id = stackId[top]!
      const ups = children.get(id) ?? []
      const k = stackNext[top]!
      if (k < ups.length) {
        stackNext[top] = k + 1
        const up = ups[k]!
        if (selected.has(up)) {
          stackId.push(up)
          stackNext.push(0)
        }
        continue
      }
      stackId.pop()
      stackNext.pop()
      let area = byId.get(id)!.areaKm2
      for (const up of ups) area += totalAreaKm2.get(up) ?? 0
      totalAreaKm2.set(id, area)
      order.push(id)
    }
  }
  const plannedBasins = new Map<BasinId, Basin>()
  for (const id of order) plannedBasins.set(id, byId.get(id)!)
  return ok({ order, basins: plannedBasins, downstream, totalAreaKm2 })
}
