/**
 * Default warning levels and rules. A service replaces them with its own; these start from
 * current practice:
 *
 * | level     | CAP severity | forecast: urgency / certainty | observed            | triggers                                              |
 * | --------- | ------------ | ----------------------------- | ------------------- | ----------------------------------------------------- |
 * | advisory  | Minor        | Expected / Possible           | Immediate / Observed | observed Q2; P(>Q2) ≥ 50 % within 0–168 h            |
 * | warning   | Moderate     | Expected / Likely             | Immediate / Observed | observed Q5; P(>Q5) ≥ 50 % within 48–168 h or 0–48 h |
 * | severe    | Severe       | Expected / Likely             | Immediate / Observed | observed Q20; P(>Q20) ≥ 50 % within 0–168 h          |
 * | emergency | Extreme      | Immediate / Likely            | Immediate / Observed | observed Q50; P(>Q50) ≥ 50 % within 0–48 h           |
 *
 * The 48–168 h trigger of `warning` is the EFAS formal-notification criterion as the issue
 * states it (≥ 50 % for the 5-year flow with onset in 2–7 days); a national service also warns
 * at short range, hence the second 0–48 h trigger. Persistence is 1 cycle everywhere (set it
 * per trigger). Hysteresis: a level is kept while its triggers hold at 20 points below their
 * probability, and otherwise drops after 2 consecutive cycles below it. Forecasts older than
 * 24 h and observations older than 6 h are ignored; a warning expires 12 h after the last
 * exceedance it rests on.
 */
import type { WarningLevel, WarningRules } from './types.ts'

const HOUR = 3_600_000

const observed = { urgency: 'Immediate', certainty: 'Observed' } as const

/** The four default levels, lowest first (see the file comment). */
export const DEFAULT_LEVELS: readonly WarningLevel[] = [
  {
    name: 'advisory',
    meaning: 'High flows possible: be aware, keep informed.',
    severity: 'Minor',
    forecast: { urgency: 'Expected', certainty: 'Possible' },
    observed,
    triggers: [
      { kind: 'observed', thresholdName: 'Q2' },
      {
        kind: 'forecast',
        thresholdName: 'Q2',
        minProbability: 0.5,
        leadHours: [0, 168],
        persistenceCycles: 1,
      },
    ],
  },
  {
    name: 'warning',
    meaning: 'Flooding of low-lying land and roads expected: be prepared.',
    severity: 'Moderate',
    forecast: { urgency: 'Expected', certainty: 'Likely' },
    observed,
    triggers: [
      { kind: 'observed', thresholdName: 'Q5' },
      {
        kind: 'forecast',
        thresholdName: 'Q5',
        minProbability: 0.5,
        leadHours: [48, 168],
        persistenceCycles: 1,
      },
      {
        kind: 'forecast',
        thresholdName: 'Q5',
        minProbability: 0.5,
        leadHours: [0, 48],
        persistenceCycles: 1,
      },
    ],
  },
  {
    name: 'severe',
    meaning: 'Flooding of property expected: act now to protect yourself and property.',
    severity: 'Severe',
    forecast: { urgency: 'Expected', certainty: 'Likely' },
    observed,
    triggers: [
      { kind: 'observed', thresholdName: 'Q20' },
      {
        kind: 'forecast',
        thresholdName: 'Q20',
        minProbability: 0.5,
        leadHours: [0, 168],
        persistenceCycles: 1,
      },
    ],
  },
  {
    name: 'emergency',
    meaning: 'Danger to life: follow the instructions of the emergency services.',
    severity: 'Extreme',
    forecast: { urgency: 'Immediate', certainty: 'Likely' },
    observed,
    triggers: [
      { kind: 'observed', thresholdName: 'Q50' },
      {
        kind: 'forecast',
        thresholdName: 'Q50',
        minProbability: 0.5,
        leadHours: [0, 48],
        persistenceCycles: 1,
      },
    ],
  },
]

/** The default rules (see the file comment). */
export const DEFAULT_RULES: WarningRules = {
  levels: DEFAULT_LEVELS,
  hysteresis: { downgradeAfterCycles: 2, probabilityMargin: 0.2 },
  maxForecastAgeMs: 24 * HOUR,
  maxObservationAgeMs: 6 * HOUR,
  expiryMarginMs: 12 * HOUR,
}
