import type { Brand } from './brand.ts'

/** A gauging station, e.g. `H010002001`. */
export type StationId = Brand<string, 'StationId'>
/** A (sub-)basin of the river network. */
export type BasinId = Brand<string, 'BasinId'>
/** A time series of one variable at one station or basin. */
export type SeriesId = Brand<string, 'SeriesId'>
/** One run of the forecast cycle. */
export type ForecastRunId = Brand<string, 'ForecastRunId'>
/** A threshold on a series (fitted or set by hand). */
export type ThresholdId = Brand<string, 'ThresholdId'>
/** A person (or a system account) acting on Freshet. */
export type UserId = Brand<string, 'UserId'>

/** Identifiers are 1–64 characters of letters, digits, `.`, `_`, `-` and `:`. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/

/** Whether `s` is a well-formed identifier (see {@link ID_PATTERN}). */
export const isId = (s: string): boolean => ID_PATTERN.test(s)

/**
 * Brands a checked string as an identifier of kind `T`.
 * @throws Error when `s` is not a well-formed identifier (a programmer error: parse first)
 */
export function asId<T extends Brand<string, string>>(s: string): T {
  if (!isId(s)) throw new Error(`not a well-formed identifier: ${JSON.stringify(s)}`)
  return s as T
}
