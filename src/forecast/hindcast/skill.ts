/**
 * The skill of a basin's forecasts as a hindcast measured it, in a form to keep and to serve:
 * one variant's scores per lead time (lead-scores.ts) with flows converted from the model's
 * mm per step to m³/s over the basin's area, scores that are undefined (NaN) given as null,
 * and what was run (issue period, update, members, horizon, how the members were made).
 *
 * The CRPS, spread and RMSE are linear in the flows, so converting them is a multiplication by
 * the same factor as the flows (area × 1000 m³ per mm·km², over the step's seconds); the skill
 * scores and the contingency scores are ratios and do not change.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import { mmPerStepToM3s } from '../../hydro/routing/units.ts'
import type { HindcastResult, HindcastUpdate } from './hindcast.ts'

/** A score that may be undefined (e.g. POD when nothing was observed to detect): null then. */
export type Score = number | null

/** A threshold's 2×2 table at one lead and its scores (dimensionless). */
export interface ThresholdSkill {
  /** Name of the threshold (see {@link HindcastSkill.thresholds}). */
  readonly name: string
  readonly hits: number
  readonly misses: number
  readonly falseAlarms: number
  readonly correctNegatives: number
  /** Probability of detection, best 1; null when nothing was observed. */
  readonly pod: Score
  /** False alarm ratio, best 0; null when nothing was forecast. */
  readonly far: Score
  /** Critical success index, best 1; null when nothing was observed nor forecast. */
  readonly csi: Score
  /** Frequency bias, best 1; null when nothing was observed (forecast or not). */
  readonly bias: Score
  /** Probability of false detection, best 0; null when every step was observed exceeding. */
  readonly pofd: Score
}

/** The scores of one lead time. Flows in m³/s. */
export interface LeadSkill {
  /** Lead time (steps; lead 1 is the step of issue). */
  readonly lead: number
  /** Forecasts scored at this lead. */
  readonly n: number
  /** Mean CRPS of the ensemble (m³/s). */
  readonly crps: Score
  /** Mean CRPS of persistence (m³/s). */
  readonly crpsPersistence: Score
  /** Mean CRPS of the day-of-year climatology (m³/s). */
  readonly crpsClimatology: Score
  /** 1 − CRPS/CRPS of persistence; > 0 beats persistence. */
  readonly crpssPersistence: Score
  /** 1 − CRPS/CRPS of climatology; > 0 beats climatology. */
  readonly crpssClimatology: Score
  /** Ensemble spread, √(mean member variance) (m³/s). */
  readonly spread: Score
  /** RMSE of the ensemble mean (m³/s). */
  readonly rmseMean: Score
  /** Exceedance of each threshold by the ensemble median, in the order of the thresholds. */
  readonly thresholds: readonly ThresholdSkill[]
}

/** The summary of one hindcast of one basin, as kept and served. */
export interface HindcastSkill {
  readonly basinId: BasinId
  /** When the hindcast was computed (epoch ms). */
  readonly computedAt: EpochMs
  /** Start of the step of the first and of the last forecast issued (epoch ms, UTC). */
  readonly firstIssue: EpochMs
  readonly lastIssue: EpochMs
  /** Forecasts issued. */
  readonly issues: number
  /** Steps between issues. */
  readonly everySteps: number
  /** The state update of the forecasts scored (src/forecast/hindcast/hindcast.ts). */
  readonly update: HindcastUpdate
  /** The rainfall-runoff model (a name of src/hydro/models/registry.ts). */
  readonly model: string
  /** Ensemble members per forecast. */
  readonly members: number
  /** Forecast horizon (steps). */
  readonly horizonSteps: number
  /** Length of a step (ms). */
  readonly stepMs: number
  /** Seed of the synthetic members and the filter. */
  readonly seed: number
  /** How the members' forcing was made (synthetic members say so). */
  readonly forcingNote: string
  /** The flow thresholds of the contingency scores (m³/s), and how they were made. */
  readonly thresholds: readonly { readonly name: string; readonly value: number }[]
  readonly thresholdNote: string
  /** Unit of every flow of the summary (thresholds, CRPS, spread, RMSE). */
  readonly flowUnit: 'm3/s'
  /** Scores per lead time, lead 1 first. */
  readonly leads: readonly LeadSkill[]
}

/** Summaries of hindcasts (src/forecast/hindcast/skill.ts), kept per basin as they are made. */
export interface HindcastSkillRepository {
  /**
   * Keeps a summary (earlier ones stay).
   * @throws Error when the basin is unknown or a number cannot be stored (not finite)
   */
  put(skill: HindcastSkill): Promise<void>
  /** The basin's summary computed last (the one stored last among equal times), if any. */
  latest(basinId: BasinId): Promise<HindcastSkill | undefined>
  /** When each basin's latest summary was computed (ms since epoch), for every basin that has one. */
  latestTimes(): Promise<ReadonlyMap<BasinId, EpochMs>>
}

/** What a {@link HindcastResult} does not say about itself. */
export interface SkillContext {
  readonly basinId: BasinId
  readonly computedAt: EpochMs
  /** The model's name. */
  readonly model: string
  /** Start of each step of the record the hindcast ran on (epoch ms, UTC). */
  readonly times: Float64Array
  /** Length of a step (ms). */
  readonly stepMs: number
  /** Steps between issues, as the hindcast was set up. */
  readonly everySteps: number
  /** Area of the basin (km², > 0), to convert mm per step to m³/s. */
  readonly areaKm2: number
}

const score = (x: number): Score => (Number.isFinite(x) ? x : null)

/**
 * The summary of one variant of a hindcast.
 *
 * @param result what {@link runHindcast} returned (flows in mm/step)
 * @param update the variant to summarise (default: the first, the one reported)
 * @returns the summary, flows in m³/s
 * @throws Error when the hindcast has no such variant, no issue, or the area or step is not
 *   positive (programmer errors: the caller holds the hindcast it ran)
 */
export function hindcastSkill(
  result: HindcastResult,
  context: SkillContext,
  update: HindcastUpdate = result.variants[0]!.update,
): HindcastSkill {
  const variant = result.variants.find((v) => v.update === update)
  if (variant === undefined) throw new Error(`the hindcast has no variant "${update}"`)
  if (result.issues.length === 0) throw new Error('the hindcast issued no forecast')
  if (!(context.areaKm2 > 0 && context.stepMs > 0))
    throw new Error(`area (${context.areaKm2} km²) and step (${context.stepMs} ms) must be > 0`)
  const toM3s = (mm: number): number => mmPerStepToM3s(mm, context.areaKm2, context.stepMs / 1000)
  const m3s = (mm: number): Score => score(toM3s(mm))
  const issueTime = (i: number): EpochMs => {
    const t = context.times[result.issues[i]!]
    if (t === undefined) throw new Error(`issue step ${result.issues[i]} lies outside the record`)
    return t as EpochMs
  }
  return {
    basinId: context.basinId,
    computedAt: context.computedAt,
    firstIssue: issueTime(0),
    lastIssue: issueTime(result.issues.length - 1),
    issues: result.issues.length,
    everySteps: context.everySteps,
    update,
    model: context.model,
    members: result.members,
    horizonSteps: result.horizon,
    stepMs: context.stepMs,
    seed: result.seed,
    forcingNote: result.forcingNote,
    thresholds: result.thresholds.map((t) => ({ name: t.name, value: toM3s(t.value) })),
    thresholdNote: result.thresholdNote,
    flowUnit: 'm3/s',
    leads: variant.scores.map((s) => ({
      lead: s.lead,
      n: s.n,
      crps: m3s(s.crps),
      crpsPersistence: m3s(s.crpsPersistence),
      crpsClimatology: m3s(s.crpsClimatology),
      crpssPersistence: score(s.crpssPersistence),
      crpssClimatology: score(s.crpssClimatology),
      spread: m3s(s.spread),
      rmseMean: m3s(s.rmseMean),
      thresholds: s.thresholds.map((t) => ({
        name: t.name,
        hits: t.hits,
        misses: t.misses,
        falseAlarms: t.falseAlarms,
        correctNegatives: t.correctNegatives,
        pod: score(t.pod),
        far: score(t.far),
        csi: score(t.csi),
        bias: score(t.bias),
        pofd: score(t.pofd),
      })),
    })),
  }
}
