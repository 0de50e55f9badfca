/**
 * When to try a failed delivery again: exponential backoff with full jitter (Brooker,
 * "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), capped, with a maximum
 * number of attempts.
 */
import type { Rng } from '../core/rng.ts'

export interface RetryPolicy {
  /** Attempts per round, the first included (≥ 1). */
  readonly maxAttempts: number
  /** The backoff ceiling after the first failure, in ms. */
  readonly baseDelayMs: number
  /** The largest ceiling, in ms. */
  readonly maxDelayMs: number
}

/** 6 attempts; ceilings 30 s, 60 s, 120 s, … up to 15 min. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 900_000,
}

/** Whether and when to try again. */
export type NextAttempt =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false }

/**
 * The delay before the next attempt after `attempt` attempts have failed: uniform in
 * [0, min(maxDelayMs, baseDelayMs · 2^(attempt−1))), or no retry once `attempt` reaches
 * `maxAttempts`.
 *
 * @param attempt attempts made so far in this round (≥ 1)
 * @param rng draws the jitter
 * @returns the delay in ms (an integer), or `{ retry: false }`
 * @throws Error when `attempt` < 1 or the policy is malformed (programmer errors)
 */
export function nextAttempt(attempt: number, rng: Rng, policy: RetryPolicy): NextAttempt {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be ≥ 1: ${attempt}`)
  if (!(policy.maxAttempts >= 1 && policy.baseDelayMs >= 0 && policy.maxDelayMs >= 0)) {
    throw new Error('malformed retry policy')
  }
  if (attempt >= policy.maxAttempts) return { retry: false }
  // 2^(attempt-1) overflows to Infinity for large attempts; min() then takes the cap.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return { retry: true, delayMs: Math.floor(rng.next() * ceiling) }
}
