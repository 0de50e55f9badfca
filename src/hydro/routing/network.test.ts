import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import type { NetworkLink, SubBasin } from './network.ts'
import {
  checkNetwork,
  networkStorage,
  routeNetwork,
  routeNetworkOrThrow,
  topologicalOrder,
} from './network.ts'
import type { ReachRouting } from './reach.ts'
import { reachStateSize, routeReach } from './reach.ts'
import { M3_PER_MM_KM2, SECONDS_PER_DAY, SECONDS_PER_HOUR } from './units.ts'

const SEED = 20_250_613

const link = (id: string, reach: ReachRouting = { kind: 'none' }) => ({ id, reach })
const links = (pairs: readonly [string, string | null][]): NetworkLink[] =>
  pairs.map(([id, down]) => ({ id, downstream: down === null ? null : { id: down } }))

function basin(
  id: string,
  down: string | null,
  localFlow: ArrayLike<number>,
  areaKm2 = 100,
  reach: ReachRouting = { kind: 'none' },
): SubBasin {
  return {
    id,
    areaKm2,
    localFlow: Float64Array.from(localFlow),
    downstream: down === null ? null : link(down, reach),
  }
}

function sum(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

describe('topologicalOrder', () => {
  it('puts every node after the nodes that drain into it, ties in input order', () => {
    // a → c ← b, c → e ← d
    const r = topologicalOrder(
      links([
        ['e', null],
        ['c', 'e'],
        ['a', 'c'],
        ['d', 'e'],
        ['b', 'c'],
      ]),
    )
    expect(r).toEqual({ ok: true, value: ['a', 'd', 'b', 'c', 'e'] })
  })

  it('orders a chain given downstream first', () => {
    expect(
      topologicalOrder(
        links([
          ['z', null],
          ['y', 'z'],
          ['x', 'y'],
        ]),
      ),
    ).toEqual({ ok: true, value: ['x', 'y', 'z'] })
    expect(topologicalOrder([])).toEqual({ ok: true, value: [] })
  })

  it('reports each cycle once, with the nodes on it', () => {
    const r = topologicalOrder(
      links([
        ['A', 'B'],
        ['B', 'C'],
        ['C', 'A'],
        ['D', 'A'], // upstream of the cycle, not on it
        ['E', 'E'],
        ['F', null],
      ]),
    )
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: ['nodes', 0, 'downstream'], message: 'nodes form a cycle: A → B → C → A' },
        { path: ['nodes', 4, 'downstream'], message: 'nodes form a cycle: E → E' },
      ],
    })
  })

  it('reports duplicate ids and unknown downstream nodes together', () => {
    const r = topologicalOrder(
      links([
        ['a', 'b'],
        ['b', null],
        ['a', 'nowhere'],
      ]),
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toEqual([
      { path: ['nodes', 2, 'id'], message: 'duplicate id "a" (also nodes[0])' },
      {
        path: ['nodes', 2, 'downstream', 'id'],
        message: '"a" drains into unknown node "nowhere"',
      },
    ])
  })
})

describe('routeNetwork', () => {
  it('adds local flow and routed upstream flow at a confluence', () => {
    // 1 mm/day over 86.4 km² is 1 m³/s.
    const up1 = basin('up1', 'mid', [1, 1, 1, 1], 86.4, {
      kind: 'lag-route',
      lagHours: 24,
      kHours: 0,
    })
    const up2 = basin('up2', 'mid', [2, 0, 0, 0], 86.4, { kind: 'none' })
    const mid = basin('mid', null, [0.5, 0.5, 0.5, 0.5], 86.4)
    const run = routeNetworkOrThrow([mid, up1, up2], { stepSeconds: SECONDS_PER_DAY })
    expect(run.order).toEqual(['up1', 'up2', 'mid'])
    const close = (a: ArrayLike<number>) => Array.from(a, (v) => Math.round(v * 1e12) / 1e12)
    expect(close(run.localFlow.get('up1')!)).toEqual([1, 1, 1, 1])
    expect(close(run.routedFlow.get('up1')!)).toEqual([0, 1, 1, 1])
    expect(close(run.outletFlow.get('mid')!)).toEqual([2.5, 1.5, 1.5, 1.5])
    expect(run.routedFlow.has('mid')).toBe(false)
    expect(run.states.has('mid')).toBe(false)
    // One day of 1 m³/s is still in the lag of up1.
    expect(networkStorage([mid, up1, up2], run.states, SECONDS_PER_DAY)).toBeCloseTo(86_400, 6)
  })

  it('accepts a confluence node without area of its own, and an empty network', () => {
    const run = routeNetworkOrThrow(
      [basin('a', 'j', [1, 2], 10), basin('b', 'j', [3, 4], 10), basin('j', null, [0, 0], 0)],
      { stepSeconds: SECONDS_PER_HOUR },
    )
    const f = (10 * M3_PER_MM_KM2) / SECONDS_PER_HOUR
    expect(run.outletFlow.get('j')![0]).toBeCloseTo(4 * f, 12)
    expect(run.outletFlow.get('j')![1]).toBeCloseTo(6 * f, 12)
    expect(routeNetwork([], { stepSeconds: SECONDS_PER_DAY }).ok).toBe(true)
  })

  it('collects every problem with its path', () => {
    const nodes = [
      basin('a', 'b', [1, 2, 3], -5, { kind: 'muskingum', kHours: 10, x: 0.9 }),
      basin('b', null, [1, 2]),
      basin('c', 'b', [1, NaN, 2]),
      basin('d', 'b', [1, 2, 3], 10, { kind: 'muskingum', kHours: 30, x: 0.2 }),
    ]
    const states = new Map([
      ['d', new Float64Array(5)],
      ['b', new Float64Array(0)],
      ['ghost', new Float64Array(2)],
    ])
    const issues = checkNetwork(nodes, { stepSeconds: SECONDS_PER_DAY, states })
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['nodes.0.areaKm2', 'must be a finite number ≥ 0, got -5'],
      ['nodes.0.downstream.reach.x', 'must lie in [0, 0.5], got 0.9'],
      ['nodes.1.localFlow', 'has 2 steps, but nodes[0] has 3'],
      ['states.b', '"b" is an outlet: it has no reach'],
      ['nodes.2.localFlow.1', 'must be a finite flow ≥ 0 mm/step, got NaN'],
      ['states.d', 'the reach of "d" has a state of 2 values, got 5'],
      ['states.ghost', 'no node "ghost" in the network'],
    ])
    const r = routeNetwork(nodes, { stepSeconds: SECONDS_PER_DAY, states })
    expect(r).toEqual({ ok: false, issues })
    expect(checkNetwork([basin('a', null, [1])], { stepSeconds: 0 })[0]!.path).toEqual([
      'stepSeconds',
    ])
    const negative = new Map([['a', Float64Array.of(1, -2)]])
    expect(
      checkNetwork(
        [basin('a', 'b', [1], 1, { kind: 'muskingum', kHours: 24, x: 0 }), basin('b', null, [1])],
        {
          stepSeconds: SECONDS_PER_DAY,
          states: negative,
        },
      ),
    ).toEqual([{ path: ['states', 'a', 1], message: 'must be a finite number ≥ 0, got -2' }])
    expect(() =>
      routeNetworkOrThrow([basin('a', 'a', [1])], { stepSeconds: SECONDS_PER_DAY }),
    ).toThrow(new InputError('river network: nodes[0].downstream: nodes form a cycle: a → a'))
  })

  it('continues warm: two runs joined by their states equal one unbroken run', () => {
    const rng = seededRng(SEED)
    const n = 40
    const series = () => Float64Array.from({ length: n }, () => 5 * rng.next() ** 3)
    const nodes = [
      basin('a', 'c', series(), 300, { kind: 'muskingum', kHours: 20, x: 0.25 }),
      basin('b', 'c', series(), 500, { kind: 'lag-route', lagHours: 30, kHours: 10 }),
      basin('c', 'd', series(), 200, { kind: 'muskingum', kHours: 5, x: 0 }),
      basin('d', null, series(), 50),
    ]
    const part = (from: number, to: number) =>
      nodes.map((b) => ({ ...b, localFlow: b.localFlow.subarray(from, to) }))
    const whole = routeNetworkOrThrow(nodes, { stepSeconds: SECONDS_PER_DAY })
    const first = routeNetworkOrThrow(part(0, 15), { stepSeconds: SECONDS_PER_DAY })
    const second = routeNetworkOrThrow(part(15, n), {
      stepSeconds: SECONDS_PER_DAY,
      states: first.states,
    })
    for (const id of ['a', 'b', 'c', 'd']) {
      expect([...first.outletFlow.get(id)!, ...second.outletFlow.get(id)!]).toEqual(
        Array.from(whole.outletFlow.get(id)!),
      )
    }
    for (const [id, s] of whole.states)
      expect(Array.from(second.states.get(id)!)).toEqual(Array.from(s))
    // The caller's states are left as they were.
    expect(Array.from(first.states.get('b')!)).not.toEqual(Array.from(second.states.get('b')!))
  })
})

/** A random tree of up to 9 sub-basins with random reaches at an hourly step. */
function randomNetwork(seed: number): SubBasin[] {
  const rng = seededRng(seed)
  const n = 1 + Math.floor(9 * rng.next())
  const len = Math.floor(80 * rng.next())
  const nodes: SubBasin[] = []
  for (let i = 0; i < n; i++) {
    // Node i drains into a later node, so the graph is acyclic; some nodes are outlets.
    const down = i < n - 1 && rng.next() < 0.85 ? i + 1 + Math.floor((n - 1 - i) * rng.next()) : -1
    let reach: ReachRouting
    const u = rng.next()
    if (u < 0.15) reach = { kind: 'none' }
    else if (u < 0.6) {
      const x = 0.5 * rng.next()
      // At an hourly step, X > 0 needs 2KX ≤ 1 h.
      const kHours = rng.next() * (x > 0.01 ? Math.min(72, 1 / (2 * x)) : 72)
      reach = { kind: 'muskingum', kHours, x }
    } else reach = { kind: 'lag-route', lagHours: 30 * rng.next(), kHours: 48 * rng.next() }
    const flow = Float64Array.from({ length: len }, () =>
      rng.next() < 0.3 ? 0 : 4 * rng.next() ** 4,
    )
    nodes.push({
      id: `n${i}`,
      areaKm2: rng.next() < 0.1 ? 0 : 2000 * rng.next(),
      localFlow: flow,
      downstream: down < 0 ? null : { id: `n${down}`, reach },
    })
  }
  // Shuffle (Fisher–Yates) so that the input order says nothing about the flow direction.
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((i + 1) * rng.next())
    const t = nodes[i]!
    nodes[i] = nodes[j]!
    nodes[j] = t
  }
  return nodes
}

describe('routeNetwork properties on random trees (fixed seed)', () => {
  const valid = fc.integer({ min: 0, max: 2 ** 31 - 1 }).filter((seed) => {
    const nodes = randomNetwork(seed)
    return checkNetwork(nodes, { stepSeconds: SECONDS_PER_HOUR }).length === 0
  })

  it('orders every node after all the nodes that drain into it', () => {
    fc.assert(
      fc.property(valid, (seed) => {
        const nodes = randomNetwork(seed)
        const r = topologicalOrder(nodes)
        if (!r.ok) throw new Error('expected an order')
        const pos = new Map(r.value.map((id, k) => [id, k]))
        expect(pos.size).toBe(nodes.length)
        for (const b of nodes)
          if (b.downstream !== null) expect(pos.get(b.id)!).toBeLessThan(pos.get(b.downstream.id)!)
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('makes each outlet flow its local flow plus the sum of its routed branches', () => {
    fc.assert(
      fc.property(valid, (seed) => {
        const nodes = randomNetwork(seed)
        const run = routeNetworkOrThrow(nodes, { stepSeconds: SECONDS_PER_HOUR })
        for (const d of nodes) {
          const expected = Float64Array.from(run.localFlow.get(d.id)!)
          for (const u of nodes) {
            if (u.downstream?.id !== d.id) continue
            // Route the branch on its own, from an empty reach.
            const routed = new Float64Array(expected.length)
            const state = new Float64Array(reachStateSize(u.downstream.reach, SECONDS_PER_HOUR))
            routeReach(
              u.downstream.reach,
              SECONDS_PER_HOUR,
              run.outletFlow.get(u.id)!,
              state,
              routed,
            )
            expect(Array.from(run.routedFlow.get(u.id)!)).toEqual(Array.from(routed))
            for (let t = 0; t < routed.length; t++) expected[t]! += routed[t]!
          }
          const got = run.outletFlow.get(d.id)!
          for (let t = 0; t < got.length; t++) {
            expect(got[t]).toBeGreaterThanOrEqual(0)
            expect(Math.abs(got[t]! - expected[t]!)).toBeLessThanOrEqual(1e-12 * expected[t]!)
          }
        }
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('conserves volume: Σ local volumes = Σ volumes out of the outlets + Δ storage, to 1e-9', () => {
    fc.assert(
      fc.property(valid, (seed) => {
        const nodes = randomNetwork(seed)
        const dt = SECONDS_PER_HOUR
        const len = nodes[0]!.localFlow.length
        // Start warm: run half the series first, then check the budget of the second half.
        const half = Math.floor(len / 2)
        const first = routeNetworkOrThrow(
          nodes.map((b) => ({ ...b, localFlow: b.localFlow.subarray(0, half) })),
          { stepSeconds: dt },
        )
        const rest = nodes.map((b) => ({ ...b, localFlow: b.localFlow.subarray(half) }))
        const run = routeNetworkOrThrow(rest, { stepSeconds: dt, states: first.states })
        let local = 0
        for (const b of rest) local += sum(b.localFlow) * b.areaKm2 * M3_PER_MM_KM2
        let out = 0
        for (const b of rest) if (b.downstream === null) out += sum(run.outletFlow.get(b.id)!) * dt
        const s0 = networkStorage(rest, first.states, dt)
        const s1 = networkStorage(rest, run.states, dt)
        expect(Math.abs(local - out - (s1 - s0))).toBeLessThanOrEqual(
          1e-9 * (local + out + s0 + s1),
        )
      }),
      { seed: SEED, numRuns: 200 },
    )
  })
})
