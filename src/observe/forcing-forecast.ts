/**
 * Readers of ensemble weather forecasts per basin: precipitation, temperature and (optionally)
 * PET per member and lead step, from JSON or long-form CSV. Where PET is not given it is
 * computed from temperature by Oudin et al. (2005) at the basin's site (pet-oudin.ts).
 *
 * The result has the fields of the forecast layer's `ForcingForecast` (src/forecast/ports.ts)
 * with the same names and units, so L3 takes it as it is; this module does not import L3.
 *
 * Step k (0-based) of a member covers [issueTime + k·step, issueTime + (k+1)·step).
 *
 * JSON: `{ basin, issueTime, stepHours, source, members: [ { precip: [...], temp?: [...],
 * pet?: [...] } ] }`; every member has the same arrays, each as long as the others.
 *
 * CSV: `basin,issue_time,member,lead,precip_mm,temp_c[,pet_mm]` (columns in any order), one line
 * per basin, issue time, member and lead. `member` is a whole number (members are ordered by
 * it); `lead` is the lead time in hours at the END of the step, as accumulations are labelled
 * in weather forecasts: the step is the smallest lead, and each member must have every lead
 * step, 2·step, …, L·step once. One text may hold several basins and issue times: each pair is
 * one forecast.
 */
import { z } from 'zod'
import type { EpochMs } from '../core/brand.ts'
import type { BasinId } from '../core/ids.ts'
import { isId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import { formatInstant, parseInstant, typeOf } from './instant.ts'
import { readValue } from './observation-batch.ts'
import { splitCsvLine } from './observation-csv.ts'
import type { PetSite } from './pet-oudin.ts'
import { oudinPetSteps, petStepProblem } from './pet-oudin.ts'

/** Where the PET of a parsed forecast comes from. */
export type PetOrigin = 'given' | 'oudin' | 'none'

/**
 * An ensemble weather forecast for one basin, members × lead steps. Field for field the
 * forecast layer's `ForcingForecast`, plus where its PET comes from.
 */
export interface ParsedForcingForecast {
  readonly basinId: BasinId
  /** Start of the first step (ms since the epoch). */
  readonly issueTime: EpochMs
  /** Step length (ms). */
  readonly stepMs: number
  /** Where it comes from (`ecmwf-ens`, …). */
  readonly source: string
  /** Precipitation per member (mm per step). */
  readonly precip: readonly Float64Array[]
  /** PET per member (mm per step), given or computed; null when neither. */
  readonly pet: readonly Float64Array[] | null
  /** Mean air temperature per member (°C); null when not given. */
  readonly temp: readonly Float64Array[] | null
  readonly petOrigin: PetOrigin
}

/** Options of the forecast readers. */
export interface ForcingForecastOptions {
  /** Sites of basins (latitude, longitude) at which missing PET is computed from temperature. */
  readonly sites?: ReadonlyMap<BasinId, PetSite>
  /** Most values (members × leads) a forecast may hold; default {@link DEFAULT_MAX_FORECAST_VALUES}. */
  readonly maxValues?: number
}

/** Default limit of members × lead steps per forecast (e.g. 51 members × 15 days hourly fits). */
export const DEFAULT_MAX_FORECAST_VALUES = 1_000_000

/** Plausible air temperatures (°C): a value outside is most likely in kelvin or °F. */
export const TEMPERATURE_LIMITS_C = { min: -90, max: 70 } as const

const MAX_ISSUES = 50

const Member = z.object(
  {
    precip: z.array(z.unknown(), { error: arrayError('precip') }),
    temp: z.array(z.unknown(), { error: arrayError('temp') }).optional(),
    pet: z.array(z.unknown(), { error: arrayError('pet') }).optional(),
  },
  { error: (iss) => `a member must be an object, not ${typeOf(iss.input)}` },
)

const Forecast = z.object(
  {
    basin: z.string({ error: stringError('basin') }),
    issueTime: z.unknown().optional(),
    stepHours: z
      .number({
        error: (iss) =>
          iss.input === undefined
            ? 'stepHours is missing'
            : `stepHours must be a number, not ${typeOf(iss.input)}`,
      })
      .positive({ error: 'stepHours must be > 0' }),
    source: z.string({ error: stringError('source') }).min(1, { error: 'source is empty' }),
    members: z
      .array(Member, { error: arrayError('members') })
      .min(1, { error: 'members is empty' }),
  },
  { error: (iss) => `a forecast must be an object, not ${typeOf(iss.input)}` },
)

function arrayError(name: string) {
  return (iss: { input?: unknown }): string =>
    iss.input === undefined
      ? `${name} is missing`
      : `${name} must be an array, not ${typeOf(iss.input)}`
}

function stringError(name: string) {
  return (iss: { input?: unknown }): string =>
    iss.input === undefined
      ? `${name} is missing`
      : `${name} must be a string, not ${typeOf(iss.input)}`
}

/** Collects issues up to a cap, then counts the rest. */
class Issues {
  readonly list: Issue[] = []
  private more = 0
  add(path: readonly (string | number)[], message: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push({ path, message })
    else this.more++
  }
  get empty(): boolean {
    return this.list.length === 0
  }
  done(): Issue[] {
    return this.more === 0
      ? this.list
      : [...this.list, { path: [], message: `… and ${this.more} more problems` }]
  }
}

type Field = 'precip' | 'temp' | 'pet'

/** Why a forcing value is not acceptable, or null. */
function valueProblem(field: Field, v: number): string | null {
  if (field === 'temp') {
    if (v < TEMPERATURE_LIMITS_C.min || v > TEMPERATURE_LIMITS_C.max)
      return `temperature ${v} °C is outside ${TEMPERATURE_LIMITS_C.min}…${TEMPERATURE_LIMITS_C.max} °C (kelvin?)`
    return null
  }
  return v < 0 ? `${field} ${v} mm is negative` : null
}

/**
 * Reads a JSON forecast already parsed from text.
 *
 * @param body the parsed JSON
 * @param options basin sites for PET and the size limit
 * @returns the forecast, or every problem (up to 50) with its path, e.g.
 *   `members[3].precip[12]: precip is not finite`
 */
export function parseForcingForecastJson(
  body: unknown,
  options: ForcingForecastOptions = {},
): Result<ParsedForcingForecast> {
  const r = Forecast.safeParse(body)
  const issues = new Issues()
  if (!r.success) {
    for (const i of r.error.issues)
      issues.add(
        i.path.map((k) => (typeof k === 'symbol' ? String(k) : k)),
        i.message,
      )
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(issues.done())
  const rec = body as Record<string, unknown>
  const basin = typeof rec['basin'] === 'string' ? rec['basin'] : undefined
  if (basin !== undefined && !isId(basin))
    issues.add(['basin'], `basin "${basin}" is not an identifier (1–64 of A–Z a–z 0–9 . _ : -)`)
  const issue = parseInstant(rec['issueTime'])
  if (!issue.ok) issues.add(['issueTime'], issue.reason.replace(/^time/, 'issueTime'))
  const stepHours = rec['stepHours']
  const stepMs = typeof stepHours === 'number' ? stepHours * 3_600_000 : NaN
  if (r.success && !Number.isInteger(stepMs))
    issues.add(['stepHours'], `stepHours ${String(stepHours)} is not a whole number of ms`)
  if (!r.success) return fail(issues.done())

  const members = r.data.members
  const leads = members[0]!.precip.length
  const maxValues = options.maxValues ?? DEFAULT_MAX_FORECAST_VALUES
  if (leads === 0) issues.add(['members', 0, 'precip'], 'precip is empty')
  if (members.length * leads > maxValues)
    return fail([
      {
        path: ['members'],
        message: `${members.length} members × ${leads} steps is over the limit of ${maxValues} values`,
      },
    ])
  const hasTemp = members[0]!.temp !== undefined
  const hasPet = members[0]!.pet !== undefined
  const out: Record<Field, Float64Array[]> = { precip: [], temp: [], pet: [] }
  members.forEach((m, k) => {
    for (const field of ['precip', 'temp', 'pet'] as const) {
      const arr = m[field]
      const given = field === 'precip' || (field === 'temp' ? hasTemp : hasPet)
      if (arr === undefined) {
        if (given) issues.add(['members', k, field], `${field} is missing while members[0] has it`)
        continue
      }
      if (!given) {
        issues.add(['members', k, field], `${field} is given while members[0] has none`)
        continue
      }
      if (arr.length !== leads) {
        issues.add(
          ['members', k, field],
          `${field} has ${arr.length} steps, members[0].precip has ${leads}`,
        )
        continue
      }
      const values = new Float64Array(leads)
      for (let s = 0; s < leads; s++) {
        const v = readValue(arr[s], false, field)
        if (typeof v === 'string') {
          issues.add(['members', k, field, s], v)
          continue
        }
        const p = valueProblem(field, v)
        if (p !== null) issues.add(['members', k, field, s], p)
        values[s] = v
      }
      out[field].push(values)
    }
  })
  if (!issues.empty) return fail(issues.done())
  return finish(
    {
      basinId: r.data.basin as BasinId,
      issueTime: (issue as { t: EpochMs }).t,
      stepMs,
      source: r.data.source,
      precip: out.precip,
      temp: hasTemp ? out.temp : null,
      pet: hasPet ? out.pet : null,
    },
    options,
    ['stepHours'],
  )
}

/**
 * Reads a JSON forecast from text.
 *
 * @returns as {@link parseForcingForecastJson}, or a failure saying where the text is not JSON
 */
export function parseForcingForecastJsonText(
  text: string,
  options: ForcingForecastOptions = {},
): Result<ParsedForcingForecast> {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (e) {
    return fail([{ path: [], message: `not JSON: ${(e as Error).message}` }])
  }
  return parseForcingForecastJson(body, options)
}

/** Fills in PET from temperature where it is not given and the basin's site is known. */
function finish(
  f: Omit<ParsedForcingForecast, 'petOrigin'>,
  options: ForcingForecastOptions,
  path: readonly (string | number)[],
): Result<ParsedForcingForecast> {
  if (f.pet !== null) return ok({ ...f, petOrigin: 'given' })
  const site = options.sites?.get(f.basinId)
  if (f.temp === null || site === undefined) return ok({ ...f, petOrigin: 'none' })
  const problem = petStepProblem(f.issueTime, f.stepMs)
  if (problem !== null)
    return fail([{ path, message: `cannot compute PET from temperature: ${problem}` }])
  const pet = f.temp.map((temp) => {
    const p = new Float64Array(temp.length)
    oudinPetSteps(f.issueTime, f.stepMs, temp, site, p)
    return p
  })
  return ok({ ...f, pet, petOrigin: 'oudin' })
}

/** Options of the CSV forecast reader. */
export interface ForcingForecastCsvOptions extends ForcingForecastOptions {
  /** Where the forecasts come from (`ecmwf-ens`, …): the CSV has no column for it. */
  readonly source: string
  /** A name for the text in messages (a file name); default `csv`. */
  readonly file?: string
}

const CSV_REQUIRED = ['basin', 'issue_time', 'member', 'lead', 'precip_mm', 'temp_c'] as const
const CSV_OPTIONAL = ['pet_mm'] as const
const MEMBER_RE = /^\d{1,9}$/

interface CsvGroup {
  readonly basin: string
  readonly issueTime: number
  readonly firstLine: number
  /** member → lead (hours) → line values. */
  readonly cells: Map<
    number,
    Map<number, { line: number; precip: number; temp: number; pet: number }>
  >
}

/**
 * Reads long-form CSV forecasts, one per basin and issue time.
 *
 * @param text the CSV text
 * @param options the forecasts' source, basin sites for PET, the size limit, a file name
 * @returns the forecasts in order of first appearance, or every problem (up to 50) with its
 *   line and column (`forecast.csv:12.lead`)
 */
export function parseForcingForecastCsv(
  text: string,
  options: ForcingForecastCsvOptions,
): Result<ParsedForcingForecast[]> {
  const file = options.file ?? 'csv'
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const header = splitCsvLine(lines[0] ?? '')
  const issues = new Issues()
  const at1 = [`${file}:1`]
  if (options.source.trim() === '') issues.add([], 'source is empty')
  for (const h of header)
    if (
      !(CSV_REQUIRED as readonly string[]).includes(h) &&
      !(CSV_OPTIONAL as readonly string[]).includes(h)
    )
      issues.add(at1, `unknown column "${h}"`)
  for (const c of CSV_REQUIRED) if (!header.includes(c)) issues.add(at1, `missing column "${c}"`)
  if (new Set(header).size !== header.length) issues.add(at1, 'a column appears twice')
  if (!issues.empty) return fail(issues.done())
  const col = (name: string): number => header.indexOf(name)
  const hasPet = header.includes('pet_mm')
  const maxValues = options.maxValues ?? DEFAULT_MAX_FORECAST_VALUES

  const groups = new Map<string, CsvGroup>()
  let rows = 0
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!
    if (l.trim() === '') continue
    if (++rows > maxValues)
      return fail([{ path: [file], message: `over the limit of ${maxValues} lines` }])
    const line = i + 1
    const at = (c: string): (string | number)[] => [`${file}:${line}`, c]
    const f = splitCsvLine(l)
    if (f.length !== header.length) {
      issues.add([`${file}:${line}`], `expected ${header.length} fields, found ${f.length}`)
      continue
    }
    const get = (c: string): string => f[col(c)]!
    const basin = get('basin')
    const before = issues.list.length
    if (!isId(basin)) issues.add(at('basin'), `basin "${basin}" is not an identifier`)
    const it = parseInstant(get('issue_time'))
    if (!it.ok) issues.add(at('issue_time'), it.reason)
    const member = get('member')
    if (!MEMBER_RE.test(member))
      issues.add(at('member'), `member "${member}" is not a whole number`)
    const lead = readValue(get('lead'), true, 'lead')
    if (typeof lead === 'string') issues.add(at('lead'), lead)
    else if (!(lead > 0)) issues.add(at('lead'), `lead ${lead} h must be > 0`)
    const num = (c: string, field: Field): number => {
      const v = readValue(get(c), true, c)
      if (typeof v === 'string') {
        issues.add(at(c), v)
        return NaN
      }
      const p = valueProblem(field, v)
      if (p !== null) issues.add(at(c), p)
      return v
    }
    const precip = num('precip_mm', 'precip')
    const temp = num('temp_c', 'temp')
    const pet = hasPet ? num('pet_mm', 'pet') : NaN
    if (issues.list.length > before || !it.ok || typeof lead === 'string') continue
    const key = `${basin}\u0000${it.t}`
    let g = groups.get(key)
    if (g === undefined)
      groups.set(key, (g = { basin, issueTime: it.t, firstLine: line, cells: new Map() }))
    const m = Number(member)
    let byLead = g.cells.get(m)
    if (byLead === undefined) g.cells.set(m, (byLead = new Map()))
    const dup = byLead.get(lead)
    if (dup !== undefined) {
      issues.add(at('lead'), `member ${m} lead ${lead} h already on line ${dup.line}`)
      continue
    }
    byLead.set(lead, { line, precip, temp, pet })
  }
  if (rows === 0 && issues.empty) issues.add([file], 'no data lines')
  if (!issues.empty) return fail(issues.done())

  const out: ParsedForcingForecast[] = []
  for (const g of groups.values()) {
    const where = [`${file}:${g.firstLine}`]
    const name = `${g.basin} issued ${formatInstant(g.issueTime)}`
    let step = Infinity
    for (const byLead of g.cells.values())
      for (const lead of byLead.keys()) step = Math.min(step, lead)
    const stepMs = Math.round(step * 3_600_000)
    const members = [...g.cells.keys()].sort((a, b) => a - b)
    let leads = 0
    for (const byLead of g.cells.values())
      for (const lead of byLead.keys()) leads = Math.max(leads, Math.round(lead / step))
    const precip: Float64Array[] = []
    const temp: Float64Array[] = []
    const pet: Float64Array[] = []
    for (const m of members) {
      const byLead = g.cells.get(m)!
      const p = new Float64Array(leads)
      const t = new Float64Array(leads)
      const e = new Float64Array(leads)
      const filled = new Uint8Array(leads)
      for (const [lead, v] of byLead) {
        const k = Math.round(lead / step)
        if (Math.abs(k * step - lead) > 1e-9 * lead) {
          issues.add(
            [`${file}:${v.line}`, 'lead'],
            `${name}: lead ${lead} h is not a multiple of the step ${step} h`,
          )
          continue
        }
        p[k - 1] = v.precip
        t[k - 1] = v.temp
        e[k - 1] = v.pet
        filled[k - 1] = 1
      }
      const missing: number[] = []
      for (let k = 0; k < leads; k++) if (filled[k] === 0) missing.push((k + 1) * step)
      if (missing.length > 0)
        issues.add(
          where,
          `${name}: member ${m} has no line for lead ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} h (step ${step} h, ${leads} steps)`,
        )
      precip.push(p)
      temp.push(t)
      pet.push(e)
    }
    if (members.length * leads > maxValues)
      issues.add(
        where,
        `${name}: ${members.length} members × ${leads} steps is over the limit of ${maxValues} values`,
      )
    if (!issues.empty) continue
    const r = finish(
      {
        basinId: g.basin as BasinId,
        issueTime: g.issueTime as EpochMs,
        stepMs,
        source: options.source,
        precip,
        temp,
        pet: hasPet ? pet : null,
      },
      options,
      where,
    )
    if (r.ok) out.push(r.value)
    else for (const i of r.issues) issues.add(i.path, `${name}: ${i.message}`)
  }
  if (!issues.empty) return fail(issues.done())
  return ok(out)
}
