/**
 * Synthetic ensemble weather forecasts for hindcasts where no archive of forecasts exists: the
 * forcing that was later observed, degraded by a seeded error model whose spread grows with
 * lead time. The members know the observed weather better than a real forecast would (rain
 * falls on the right days unless the error model moves it), so scores from them are an upper
 * bound of what real forecasts would give; every output that uses them says so.
 *
 * The error model, for member k and lead h = 1 … H days after issue:
 *
 * - **precipitation**: P·exp(σ_h·(c_h + z_{k,h})/√2 − σ_h²/2), a log-normal factor of log-sd
 *   σ_h = σ₁ + g·(h − 1) and mean 1. c_· is an error shared by every member of the forecast
 *   (the forecast's own miss, drawn once per issue) and z_{k,·} the member's; each is a
 *   standard normal AR(1) series along the lead times, x_h = ρ·x_{h−1} + √(1 − ρ²)·ε (a
 *   forecast wet at one lead tends to stay wet). Sharing half the variance puts the observed
 *   rain among the members rather than at their centre: observation and members are then alike
 *   draws around the forecast's centre, so the ensemble is neither too wide nor too narrow for
 *   the rain, while each member still differs from the observation by a log-sd σ_h;
 * - **spurious rain**: on a dry day (P < `dryDayMm`) rain of an exponentially distributed depth
 *   (mean `spuriousMeanMm`) falls on a member with probability min(`spuriousMaxProbability`,
 *   `spuriousProbabilityPerDay`·h);
 * - **PET**: PET·(1 + (s₁ + s_g·(h − 1))·ε), never below 0, independent from lead to lead;
 * - **temperature** (snow models): T + (t₁ + t_g·(h − 1))·ε (°C).
 *
 * Units: precipitation and PET in mm per step, temperature in °C, as in the model's forcing.
 */
import { InputError } from '../../core/errors.ts'
import type { Rng } from '../../core/rng.ts'

/** The parameters of the error model (defaults in {@link DEFAULT_FORCING_ERRORS}). */
export interface ForcingErrorModel {
  /** σ₁: log-space sd of the precipitation factor at lead 1 day (−). */
  readonly precipSigmaDay1: number
  /** g: growth of that sd per day of lead (−/day). */
  readonly precipSigmaGrowth: number
  /** ρ: lag-one correlation of a member's precipitation errors along the lead times (−). */
  readonly precipCorrelation: number
  /** Below this, a day is dry and may get spurious rain (mm/day). */
  readonly dryDayMm: number
  /** Probability of spurious rain on a dry day, per day of lead (1/day). */
  readonly spuriousProbabilityPerDay: number
  /** Largest probability of spurious rain (−). */
  readonly spuriousMaxProbability: number
  /** Mean depth of spurious rain (mm/day). */
  readonly spuriousMeanMm: number
  /** s₁, s_g: relative sd of PET at lead 1 and its growth per day (−, −/day). */
  readonly petSigmaDay1: number
  readonly petSigmaGrowth: number
  /** t₁, t_g: sd of temperature at lead 1 and its growth per day (°C, °C/day). */
  readonly tempSigmaDay1: number
  readonly tempSigmaGrowth: number
}

/**
 * The default error model: at lead 1 a member's precipitation is within a factor e^±0.3 of the
 * observed about two times in three, at lead 10 within e^±1.02; PET within 5–14 %.
 */
export const DEFAULT_FORCING_ERRORS: ForcingErrorModel = {
  precipSigmaDay1: 0.3,
  precipSigmaGrowth: 0.08,
  precipCorrelation: 0.6,
  dryDayMm: 0.1,
  spuriousProbabilityPerDay: 0.02,
  spuriousMaxProbability: 0.2,
  spuriousMeanMm: 2,
  petSigmaDay1: 0.05,
  petSigmaGrowth: 0.01,
  tempSigmaDay1: 0.5,
  tempSigmaGrowth: 0.15,
}

/** Sd of the precipitation factor's logarithm at lead `h` days (−). */
export const precipSigmaAt = (m: ForcingErrorModel, h: number): number =>
  m.precipSigmaDay1 + m.precipSigmaGrowth * (h - 1)

/** One line describing the error model, for the notes of every output. */
export function describeForcingErrors(m: ForcingErrorModel, seed: number): string {
  const f = (x: number): string => String(Math.round(x * 1000) / 1000)
  return (
    `synthetic members from the observed forcing (no archive of weather forecasts): ` +
    `precipitation × log-normal factor of mean 1 and log-sd ${f(m.precipSigmaDay1)} + ${f(m.precipSigmaGrowth)}·(lead−1 d), half of its variance shared by the members of a forecast, ` +
    `correlation ${f(m.precipCorrelation)} between consecutive leads; ` +
    `spurious rain on dry days with probability min(${f(m.spuriousMaxProbability)}; ${f(m.spuriousProbabilityPerDay)}·lead) ` +
    `and mean ${f(m.spuriousMeanMm)} mm; PET × (1 + N(0; ${f(m.petSigmaDay1)} + ${f(m.petSigmaGrowth)}·(lead−1))); ` +
    `temperature (snow models) + N(0; ${f(m.tempSigmaDay1)} + ${f(m.tempSigmaGrowth)}·(lead−1) °C); seed ${seed}`
  )
}

/** Checks an error model. @throws InputError on a negative or non-finite value, or ρ ∉ [0, 1) */
export function checkForcingErrors(m: ForcingErrorModel): void {
  for (const [k, v] of Object.entries(m)) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new InputError(`forcing error model: ${k} must be a finite number ≥ 0, got ${v}`)
  }
  if (!(m.precipCorrelation < 1))
    throw new InputError(`forcing error model: precipCorrelation must be < 1`)
  if (m.spuriousMaxProbability > 1)
    throw new InputError(`forcing error model: spuriousMaxProbability must be ≤ 1`)
}

/** The members of one synthetic forecast: `members` series of `horizon` steps each. */
export interface SyntheticMembers {
  readonly precip: Float64Array[]
  readonly pet: Float64Array[]
  /** Present when the observed forcing has temperature. */
  readonly temp: Float64Array[] | null
}

/**
 * Draws `members` synthetic forecasts of the `horizon` steps from `start` of the observed
 * forcing (daily steps: lead h is step start + h − 1).
 *
 * @param precip observed precipitation (mm/day)
 * @param pet observed PET (mm/day)
 * @param temp observed temperature (°C), or undefined
 * @param start first forecast step (the issue day)
 * @param rng seeded generator; the same state gives the same members
 * @throws InputError when the horizon runs past the forcing
 */
export function syntheticMembers(
  precip: Float64Array,
  pet: Float64Array,
  temp: Float64Array | undefined,
  start: number,
  horizon: number,
  members: number,
  model: ForcingErrorModel,
  rng: Rng & { normal(): number },
): SyntheticMembers {
  if (!(start >= 0 && start + horizon <= precip.length))
    throw new InputError(
      `a forecast of ${horizon} steps from step ${start} runs past the forcing (${precip.length} steps)`,
    )
  const rho = model.precipCorrelation
  const innov = Math.sqrt(1 - rho * rho)
  const out: SyntheticMembers = { precip: [], pet: [], temp: temp !== undefined ? [] : null }
  const common = new Float64Array(horizon)
  for (let j = 0; j < horizon; j++)
    common[j] = j === 0 ? rng.normal() : rho * common[j - 1]! + innov * rng.normal()
  for (let k = 0; k < members; k++) {
    const p = new Float64Array(horizon)
    const e = new Float64Array(horizon)
    const t = temp !== undefined ? new Float64Array(horizon) : null
    let z = rng.normal()
    for (let j = 0; j < horizon; j++) {
      const h = j + 1
      if (j > 0) z = rho * z + innov * rng.normal()
      const s = precipSigmaAt(model, h)
      const obsP = precip[start + j]!
      let v = obsP * Math.exp((s * (common[j]! + z)) / Math.SQRT2 - (s * s) / 2)
      // The draws happen whether or not the day is dry, so that members stay aligned in the
      // generator's sequence whatever the weather.
      const u = rng.next()
      const depth = -model.spuriousMeanMm * Math.log(1 - rng.next())
      if (obsP < model.dryDayMm) {
        const prob = Math.min(model.spuriousMaxProbability, model.spuriousProbabilityPerDay * h)
        if (u < prob) v += depth
      }
      p[j] = v
      const se = model.petSigmaDay1 + model.petSigmaGrowth * j
      e[j] = Math.max(0, pet[start + j]! * (1 + se * rng.normal()))
      if (t !== null) {
        const st = model.tempSigmaDay1 + model.tempSigmaGrowth * j
        t[j] = temp![start + j]! + st * rng.normal()
      }
    }
    out.precip.push(p)
    out.pet.push(e)
    if (t !== null) out.temp!.push(t)
  }
  return out
}

/**
 * A 32-bit seed for the forecast issued at step `issue`, derived from the run's seed, so that a
 * forecast's members do not depend on which other days are issued.
 */
export function issueSeed(seed: number, issue: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(issue | 0, 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d)
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39)
  return (h ^ (h >>> 15)) >>> 0
}
