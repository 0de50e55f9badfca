/**
 * The demo's command and preparedness (data/demo/command.json, illustrative): a hierarchy of
 * posts over the upper Seine with demo users, depots with opening stock and the exposed
 * population of each warning zone, loaded on first start through the command and logistics
 * services (so every step is in the audit chain as the services write it).
 *
 * During the replay, after each simulated day: when a zone's warning first reaches the
 * configured level, the issuer post orders the posts below it that cover the zone, and some
 * posts acknowledge at once while the others stay silent (so their escalation shows); an
 * allocation of stock is proposed for every zone under warning whenever a zone reaches the level
 * or rises above it; and the escalation worker runs once. Incidents open by themselves when
 * warnings are published (CommandService.warningsPublished).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { Clock } from '../core/clock.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue } from '../core/result.ts'
import { descendants, postsCovering } from '../command/hierarchy.ts'
import type { Assignment, Post, PostId } from '../command/types.ts'
import { POST_LEVELS, ROLES } from '../command/types.ts'
import { shelterIssues } from '../logistics/shelters.ts'
import type { AreaId, DepotId, ItemId, ShelterId } from '../logistics/types.ts'
import type { Store } from '../store/index.ts'
import { initialWarningState, replay } from '../warn/lifecycle.ts'
import type { WarningZone } from '../warn/types.ts'
import type { CommandService } from './command-service.ts'
import { ApiError } from './errors.ts'
import type { Actor, LogisticsService, StoredPlan } from './logistics-service.ts'
import { ROLES as API_ROLES } from './auth.ts'
import { locationSchema } from './routes/schemas.ts'

const HOUR_MS = 3_600_000

export const DEMO_COMMAND_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'demo',
  'command.json',
)

/** The account the demo's loading is recorded under. */
export const DEMO_SYSTEM = 'system:demo' as UserId

const id = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)
const commandFileSchema = z.object({
  note: z.string(),
  posts: z.array(
    z.object({
      id,
      name: z.string(),
      level: z.enum(POST_LEVELS),
      parents: z.array(id),
      areas: z.array(id),
      /** WGS84 degrees; the ranges are checked where the posts are stored. */
      location: locationSchema.optional(),
    }),
  ),
  assignments: z.array(z.object({ user: id, post: id, role: z.enum(ROLES) })),
  /** The demo's people who sign in (with the password printed at start), their API role and areas. */
  users: z.array(
    z.object({ user: id, role: z.enum(API_ROLES), areas: z.array(z.string().min(1)).min(1) }),
  ),
  depots: z.array(
    z.object({
      id,
      name: z.string(),
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      capacityM3: z.number().positive(),
      areaId: id,
      /** Opening stock: units per item of the catalogue. */
      stock: z.record(z.string(), z.number().positive()),
    }),
  ),
  stockSource: z.string(),
  exposure: z.array(
    z.object({
      areaId: id,
      name: z.string(),
      lat: z.number(),
      lon: z.number(),
      population: z.number().int().nonnegative(),
    }),
  ),
  /** Evacuation shelters of the warning zones, created empty when missing. */
  shelters: z.array(
    z.object({
      id,
      name: z.string().min(1),
      areaId: id,
      capacity: z.number().int().nonnegative().describe('persons'),
      /** WGS84 degrees; the ranges are checked where the shelter is stored. */
      location: locationSchema.optional(),
    }),
  ),
  replay: z.object({
    note: z.string(),
    orderLevel: z.string(),
    issuer: z.object({ post: id, user: id }),
    order: z.object({
      /** `{zone}` and `{level}` are replaced. */
      title: z.string(),
      actions: z.array(z.string()).min(1),
      ackHours: z.number().positive(),
      completionHours: z.number().positive(),
    }),
    autoAcknowledge: z.array(id),
    allocationUser: id,
  }),
})
export type DemoCommandFile = z.infer<typeof commandFileSchema>

/** Reads the demo's command file (throws on anything malformed: it is ours). */
export function readDemoCommand(file = DEMO_COMMAND_FILE): DemoCommandFile {
  return commandFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
}

/** What the demo's command part needs from the server. */
export interface DemoCommandDeps {
  readonly command: CommandService
  readonly logistics: LogisticsService
  readonly store: Store
  /** The replay's clock. */
  readonly clock: Clock
  /** The warning zones and the level names, lowest first. */
  readonly warnings: { readonly zones: readonly WarningZone[]; readonly levels: readonly string[] }
  readonly log: (msg: string) => void
}

const everywhere = (user: string): Actor => ({ user: user as UserId, covers: () => true })

/**
 * Loads the hierarchy, the assignments, the depots with their opening stock, the exposure and
 * the shelters unless they are there: posts only into an empty hierarchy (a stored post without
 * a location gets the file's, for databases made before posts had one), assignments, depots and
 * shelters that are missing, receipts only on stock lines never moved, exposure of areas
 * without one. Locations are WGS84 degrees, checked by the services that store them (a bad one
 * throws naming the post or shelter and the field). Safe to call on every start.
 */
export async function loadDemoCommand(
  deps: Pick<DemoCommandDeps, 'command' | 'logistics' | 'log'>,
  file: DemoCommandFile,
): Promise<void> {
  const { command, logistics, log } = deps
  // The shelters are checked before anything is stored (the posts are checked as a whole
  // where they are stored, before anything else): a bad file stores nothing.
  const issues = file.shelters.flatMap((x, i) =>
    shelterIssues({
      id: x.id as ShelterId,
      capacity: x.capacity,
      ...(x.location === undefined ? {} : { location: x.location }),
    }).map((issue) => ({ ...issue, path: ['shelters', i, ...issue.path] })),
  )
  if (issues.length > 0)
    throw new Error(`demo command: invalid shelters: ${issues.map(formatIssue).join('; ')}`)
  if ((await command.hierarchy()).posts.size === 0) {
    const posts: Post[] = file.posts.map(({ location, ...p }) => ({
      ...p,
      id: p.id as PostId,
      parents: p.parents as PostId[],
      ...(location === undefined ? {} : { location }),
    }))
    const h = await command.replacePosts(posts, DEMO_SYSTEM)
    const levels = POST_LEVELS.map(
      (l) => `${[...h.posts.values()].filter((p) => p.level === l).length} ${l}`,
    )
    log(`demo command: ${h.posts.size} posts stored (${levels.join(', ')}), illustrative`)
  } else {
    const stored = await command.hierarchy()
    const given = new Map(file.posts.map((p) => [p.id, p.location]))
    const order = [...stored.posts.values()]
    const placed = order.map((p) => {
      const at = p.location === undefined ? given.get(p.id) : undefined
      return at === undefined ? p : { ...p, location: at }
    })
    const added = placed.filter((p, i) => p !== order[i])
    if (added.length > 0) {
      await command.replacePosts(placed, DEMO_SYSTEM)
      log(
        `demo command: locations given to ${added.length} posts stored without one (${added.map((p) => p.id).join(', ')}), illustrative`,
      )
    }
  }
  const missing: Assignment[] = []
  for (const a of file.assignments) {
    const p = await command.principal(a.user)
    if (!p.assignments.some((x) => x.post === a.post && x.role === a.role))
      missing.push({ user: a.user as UserId, post: a.post as PostId, role: a.role })
  }
  if (missing.length > 0) {
    await command.changeAssignments(missing, [], DEMO_SYSTEM)
    log(
      `demo command: ${missing.length} assignments stored (${missing.map((a) => `${a.user} ${a.role} at ${a.post}`).join('; ')})`,
    )
  }

  const actor = everywhere(DEMO_SYSTEM)
  const catalogue = new Set((await logistics.catalogue()).map((i) => i.id as string))
  const existing = new Map((await logistics.depots()).map((d) => [d.id as string, d]))
  let created = 0
  let receipts = 0
  for (const d of file.depots) {
    let view = existing.get(d.id)
    if (view === undefined) {
      view = await logistics.putDepot(
        actor,
        {
          id: d.id as DepotId,
          name: d.name,
          lat: d.lat,
          lon: d.lon,
          capacityM3: d.capacityM3,
          areaId: d.areaId as AreaId,
        },
        undefined,
      )
      created++
    }
    for (const [item, quantity] of Object.entries(d.stock)) {
      if (!catalogue.has(item))
        throw new Error(`demo command: depot ${d.id}: ${item} is not in the catalogue`)
      const line = view.stock.find((l) => l.itemId === item)
      if (line !== undefined && line.version > 0) continue
      await logistics.move(
        actor,
        {
          kind: 'receipt',
          depotId: d.id as DepotId,
          itemId: item as ItemId,
          quantity,
          source: file.stockSource,
        },
        { kind: 'one', version: 0 },
      )
      receipts++
    }
  }
  if (created > 0 || receipts > 0)
    log(
      `demo logistics: ${created} depots created, ${receipts} opening stock receipts in the ledger, illustrative`,
    )
  const shelters = new Set((await logistics.shelters()).map((x) => x.id as string))
  const newShelters = file.shelters.filter((x) => !shelters.has(x.id))
  for (const x of newShelters)
    await logistics.putShelter(
      actor,
      {
        id: x.id as ShelterId,
        name: x.name,
        areaId: x.areaId as AreaId,
        capacity: x.capacity,
        ...(x.location === undefined ? {} : { location: x.location }),
      },
      undefined,
    )
  if (newShelters.length > 0)
    log(
      `demo logistics: ${newShelters.length} shelters created (${newShelters.map((x) => `${x.id} ${x.capacity}`).join(', ')} persons), illustrative`,
    )
  const known = new Set((await logistics.exposure()).map((e) => e.areaId as string))
  const exposure = file.exposure.filter((e) => !known.has(e.areaId))
  if (exposure.length > 0) {
    await logistics.putExposure(
      actor,
      exposure.map((e) => ({ ...e, areaId: e.areaId as AreaId })),
    )
    log(
      `demo logistics: exposure of ${exposure.map((e) => `${e.areaId} ${e.population}`).join(', ')} persons, illustrative`,
    )
  }
}

/** A zone's active warning, as the demo reacts to it. */
export interface ZoneLevel {
  readonly zoneId: string
  readonly warningId: string
  readonly level: string
}

export interface DemoCommand {
  /** After each simulated day: reacts to the active warnings, then runs the escalation worker. */
  afterCycle(): Promise<void>
  /** Reacts to these active warnings (orders, acknowledgments, allocation). */
  react(active: readonly ZoneLevel[]): Promise<void>
}

/** The id of the order the demo issues for a warning (one per warning, across restarts). */
export const demoOrderId = (warningId: string): string => `demo.${warningId}`

/** The share of the need met by a plan: the mean over items of delivered ÷ need. */
export function needMet(plan: StoredPlan): { share: number; least: string } {
  const items = plan.plan.items.filter((i) => i.need > 0)
  if (items.length === 0) return { share: 1, least: '' }
  const shares = items.map((i) => ({
    id: i.itemId as string,
    s: Math.min(1, i.delivered / i.need),
  }))
  shares.sort((a, b) => a.s - b.s)
  const least = shares[0]!
  return {
    share: shares.reduce((t, x) => t + x.s, 0) / shares.length,
    least: `${least.id} ${Math.round(least.s * 100)}%`,
  }
}

/** The demo's reactions to the replay's warnings. */
export function createDemoCommand(deps: DemoCommandDeps, file: DemoCommandFile): DemoCommand {
  const { command, logistics, store, clock, warnings, log } = deps
  const cfg = file.replay
  const rankOf = (level: string): number => warnings.levels.indexOf(level)
  const orderRank = rankOf(cfg.orderLevel)
  if (orderRank < 0)
    throw new Error(
      `demo command: unknown orderLevel ${cfg.orderLevel} (${warnings.levels.join(', ')})`,
    )
  // The highest rank an allocation was proposed for, per zone (this run).
  const proposedFor = new Map<string, number>()
  // The response level of each incident seen (this run), to log those opened or raised.
  const incidentLevels = new Map<string, string>()

  /** Logs the incidents the warnings opened or raised since the last look. */
  const logIncidents = async (active: readonly ZoneLevel[]): Promise<void> => {
    for (const z of active) {
      const changed = (await store.incidents.byWarning(z.warningId)).filter(
        (i) => i.status !== 'closed' && incidentLevels.get(i.id) !== i.level,
      )
      if (changed.length === 0) continue
      const opened = changed.filter((i) => !incidentLevels.has(i.id))
      for (const i of changed) incidentLevels.set(i.id, i.level)
      const what =
        opened.length === changed.length
          ? 'opened'
          : opened.length === 0
            ? 'raised'
            : 'opened or raised'
      log(
        `incidents ${what} for ${z.warningId} (${z.level} in ${z.zoneId}) at ${changed.length} posts, response level ${changed[0]!.level}: ${changed.map((i) => i.post).join(', ')}`,
      )
    }
  }

  const issueFor = async (z: ZoneLevel): Promise<void> => {
    const orderId = demoOrderId(z.warningId)
    try {
      await command.order(orderId)
      return
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e
    }
    const h = await command.hierarchy()
    const issuer = cfg.issuer.post as PostId
    const below = new Set(descendants(h, issuer))
    const recipients = postsCovering(h, z.zoneId).filter((p) => below.has(p))
    if (recipients.length === 0) {
      log(`demo command: no post below ${issuer} covers ${z.zoneId}; no order`)
      return
    }
    const now = clock.now()
    const fill = (s: string): string =>
      s.replaceAll('{zone}', z.zoneId).replaceAll('{level}', z.level)
    const issued = await command.issueOrder(await command.principal(cfg.issuer.user), {
      id: orderId,
      issuerPost: issuer,
      title: fill(cfg.order.title),
      actions: cfg.order.actions.map(fill),
      recipients: { kind: 'selected', posts: recipients },
      ackDeadline: now + cfg.order.ackHours * HOUR_MS,
      completionDeadline: now + cfg.order.completionHours * HOUR_MS,
    })
    const o = issued.order
    log(
      `order ${o.id} issued to ${o.recipients.length} posts by ${o.issuerPost} (${z.level} in ${z.zoneId}): ${o.recipients.join(', ')}; acknowledge by ${new Date(o.ackDeadline).toISOString()}, complete by ${new Date(o.completionDeadline).toISOString()}`,
    )
    const auto = new Set(cfg.autoAcknowledge)
    for (const post of o.recipients) {
      if (!auto.has(post)) continue
      const duty = file.assignments.find(
        (a) => a.post === post && (a.role === 'duty-officer' || a.role === 'commander'),
      )
      if (duty === undefined) continue
      await command.respond(await command.principal(duty.user), o.id, post, { kind: 'accepted' }, 0)
      log(`order ${o.id} accepted by ${post} (${duty.user}, automatic in the demo)`)
    }
  }

  const propose = async (active: readonly ZoneLevel[]): Promise<void> => {
    const plan = await logistics.propose(everywhere(cfg.allocationUser), {}, warnings)
    const met = needMet(plan)
    const areas = plan.areas.map(
      (a) => `${a.areaId} (${a.level ?? 'given'}, ${a.population} persons)`,
    )
    log(
      `allocation ${plan.id} proposed for ${areas.join(', ')}: ${Math.round(met.share * 100)}% of need met from ${new Set(plan.plan.flows.map((f) => f.depotId)).size} depots (least: ${met.least})`,
    )
    for (const z of active)
      proposedFor.set(z.zoneId, Math.max(proposedFor.get(z.zoneId) ?? -1, rankOf(z.level)))
  }

  const react = async (active: readonly ZoneLevel[]): Promise<void> => {
    const reached = active.filter((z) => rankOf(z.level) >= orderRank)
    for (const z of reached) await issueFor(z)
    if (reached.some((z) => rankOf(z.level) > (proposedFor.get(z.zoneId) ?? -1)))
      await propose(active)
  }

  return {
    react,
    async afterCycle() {
      // Incidents from the warnings just published are opened first.
      await command.idle()
      const now = clock.now()
      const active: ZoneLevel[] = []
      for (const zone of warnings.zones) {
        const s = replay(initialWarningState(zone.id), await store.warnings.events(zone.id))
        if (s.active !== null && s.active.expires > now)
          active.push({ zoneId: zone.id, warningId: s.active.warningId, level: s.active.level })
      }
      try {
        await logIncidents(active)
        await react(active)
      } catch (e) {
        log(`demo command: ${e instanceof Error ? e.message : String(e)}`)
      }
      await command
        .escalateNow()
        .catch((e: unknown) => log(`demo command: escalation: ${String(e)}`))
    },
  }
}
