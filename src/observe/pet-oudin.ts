/**
 * Potential evapotranspiration from air temperature by the formula of Oudin et al. (2005):
 *
 *   PET = Re / (λ ρ) · (T + 5) / 100   when T + 5 > 0, else 0
 *
 * with Re the extraterrestrial radiation (MJ m⁻² day⁻¹), λ = 2.45 MJ kg⁻¹ the latent heat of
 * vaporisation, ρ = 1000 kg m⁻³ the density of water and T the mean air temperature (°C); PET
 * comes out in m/day, here in mm/day. Re is computed from latitude and day of year by FAO-56
 * (Allen et al. 1998, eqs. 21–25, and eqs. 28–33 for periods shorter than a day).
 *
 * Sub-daily steps: the day's PET is computed from the day's mean temperature (the mean of the
 * steps of that UTC day) and shared among its steps in proportion to each step's
 * extraterrestrial radiation (FAO-56 eq. 28, solar time from longitude). Steps at night get 0;
 * the steps of a whole day add up to the daily value.
 *
 * Against CAMELS-FR (computed with airGR's `PE_Oudin`), this formula gives about 2 % less: airGR
 * writes Re/(λρ) with a larger effective solar constant (≈ 2.0 % above FAO-56's 0.0820 MJ m⁻²
 * min⁻¹ divided by 2.45) and slightly different approximations of declination and Earth–Sun
 * distance. See pet-oudin.test.ts for the figures.
 *
 * Sources: Oudin, L., Hervieu, F., Michel, C., Perrin, C., Andréassian, V., Anctil, F., Loumagne,
 * C. (2005). Which potential evapotranspiration input for a lumped rainfall–runoff model? Part 2.
 * J. Hydrol. 303, 290–306. Allen, R.G., Pereira, L.S., Raes, D., Smith, M. (1998). Crop
 * evapotranspiration. FAO Irrigation and Drainage Paper 56, ch. 3.
 */

/** Solar constant Gsc (MJ m⁻² min⁻¹), FAO-56. */
export const SOLAR_CONSTANT = 0.082
/** Latent heat of vaporisation λ (MJ kg⁻¹), FAO-56 and Oudin et al. (2005). */
export const LATENT_HEAT = 2.45
/** Density of water ρ (kg m⁻³). */
export const WATER_DENSITY = 1000
/** Milliseconds in a day. */
export const DAY_MS = 86_400_000

/** Where PET is computed: WGS84 degrees, latitude north positive, longitude east positive. */
export interface PetSite {
  readonly latDeg: number
  readonly lonDeg: number
}

/** Day of the year (1 on 1 January, 365 or 366 on 31 December) of an instant, in UTC. */
export function dayOfYear(tMs: number): number {
  const d = new Date(tMs)
  return Math.floor((tMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1
}

/** Solar declination δ (rad) on day of year `j`, FAO-56 eq. 24. */
export function solarDeclination(j: number): number {
  return 0.409 * Math.sin((2 * Math.PI * j) / 365 - 1.39)
}

/** Inverse relative Earth–Sun distance dr (–) on day of year `j`, FAO-56 eq. 23. */
export function inverseRelativeDistance(j: number): number {
  return 1 + 0.033 * Math.cos((2 * Math.PI * j) / 365)
}

/**
 * Sunset hour angle ωs (rad), FAO-56 eq. 25, clamped to 0 in polar night and π in polar day.
 *
 * @param latRad latitude (rad)
 * @param decl solar declination (rad)
 */
export function sunsetHourAngle(latRad: number, decl: number): number {
  const x = -Math.tan(latRad) * Math.tan(decl)
  return x <= -1 ? Math.PI : x >= 1 ? 0 : Math.acos(x)
}

/**
 * Daily extraterrestrial radiation Ra (MJ m⁻² day⁻¹), FAO-56 eq. 21.
 *
 * @param latDeg latitude (degrees, north positive)
 * @param j day of the year (1–366)
 */
export function extraterrestrialRadiationDaily(latDeg: number, j: number): number {
  const phi = (latDeg * Math.PI) / 180
  const decl = solarDeclination(j)
  const ws = sunsetHourAngle(phi, decl)
  return (
    ((24 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    inverseRelativeDistance(j) *
    (ws * Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.sin(ws))
  )
}

/** Seasonal correction of solar time Sc (hours), FAO-56 eqs. 32–33. */
export function seasonalCorrection(j: number): number {
  const b = (2 * Math.PI * (j - 81)) / 364
  return 0.1645 * Math.sin(2 * b) - 0.1255 * Math.cos(b) - 0.025 * Math.sin(b)
}

/**
 * Extraterrestrial radiation received over a period (MJ m⁻² per period), FAO-56 eq. 28 with
 * the solar time of eqs. 31–33; the sun counts only while above the horizon, so a period may
 * span sunset, midnight or a whole day (24 hours give eq. 21).
 *
 * @param site latitude and longitude (degrees)
 * @param startMs start of the period (ms since the epoch, UTC)
 * @param durationMs length of the period (ms, at most a day)
 * @param j day of the year for declination and distance (default: that of the period's middle)
 */
export function extraterrestrialRadiationPeriod(
  site: PetSite,
  startMs: number,
  durationMs: number,
  j: number = dayOfYear(startMs + durationMs / 2),
): number {
  const phi = (site.latDeg * Math.PI) / 180
  const decl = solarDeclination(j)
  const a = Math.sin(phi) * Math.sin(decl)
  const c = Math.cos(phi) * Math.cos(decl)
  const ws = sunsetHourAngle(phi, decl)
  const midMs = startMs + durationMs / 2
  const midUtcHours = (((midMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000
  const solarHours = midUtcHours + site.lonDeg / 15 + seasonalCorrection(j)
  const omega = (Math.PI / 12) * (solarHours - 12)
  const half = (Math.PI * (durationMs / 3_600_000)) / 24
  const w1 = omega - half
  const w2 = omega + half
  // ∫ max(0, a + c cos ω) dω over [w1, w2]: the sun is up on [−ωs, ωs] + 2πk.
  let integral = 0
  const kFirst = Math.floor((w1 + ws) / (2 * Math.PI)) - 1
  const kLast = Math.ceil((w2 - ws) / (2 * Math.PI)) + 1
  for (let k = kFirst; k <= kLast; k++) {
    const lo = Math.max(w1, -ws + 2 * Math.PI * k)
    const hi = Math.min(w2, ws + 2 * Math.PI * k)
    if (hi > lo) integral += a * (hi - lo) + c * (Math.sin(hi) - Math.sin(lo))
  }
  return ((12 * 60) / Math.PI) * SOLAR_CONSTANT * inverseRelativeDistance(j) * integral
}

/**
 * Oudin PET for one day (mm/day).
 *
 * @param raMJ extraterrestrial radiation (MJ m⁻² day⁻¹)
 * @param tempC mean air temperature of the day (°C); NaN gives NaN
 */
export function oudinPet(raMJ: number, tempC: number): number {
  if (Number.isNaN(tempC)) return NaN
  if (!(tempC + 5 > 0)) return 0
  return ((raMJ / (LATENT_HEAT * WATER_DENSITY)) * 1000 * (tempC + 5)) / 100
}

/**
 * Oudin PET of a daily series (mm/day): `out[i]` from `tempC[i]` on day of year `doy[i]`.
 *
 * @param tempC mean daily air temperature (°C)
 * @param doy day of the year of each value (1–366)
 * @param latDeg latitude (degrees, north positive)
 * @param out PET (mm/day), allocated by the caller, same length as `tempC`
 * @throws Error when the lengths differ or the latitude is outside −90…90
 */
export function oudinPetDaily(
  tempC: Float64Array,
  doy: ArrayLike<number>,
  latDeg: number,
  out: Float64Array,
): void {
  if (doy.length !== tempC.length || out.length !== tempC.length)
    throw new Error('oudinPetDaily: tempC, doy and out must have the same length')
  checkLatitude(latDeg)
  let lastJ = -1
  let ra = 0
  for (let i = 0; i < tempC.length; i++) {
    const j = doy[i]!
    if (j !== lastJ) {
      ra = extraterrestrialRadiationDaily(latDeg, j)
      lastJ = j
    }
    out[i] = oudinPet(ra, tempC[i]!)
  }
}

/**
 * Why Oudin PET cannot be computed for a regular series of steps, or null when it can: steps
 * must be a whole day, or divide a day and start on a multiple of the step from UTC midnight.
 *
 * @param startMs start of the first step (ms since the epoch)
 * @param stepMs step length (ms)
 */
export function petStepProblem(startMs: number, stepMs: number): string | null {
  if (!(stepMs > 0) || !Number.isInteger(stepMs)) return 'the step must be a positive whole ms'
  if (stepMs === DAY_MS) return null
  if (stepMs > DAY_MS || DAY_MS % stepMs !== 0)
    return `a step of ${stepMs / 3_600_000} h neither is a day nor divides one`
  if (((startMs % stepMs) + stepMs) % stepMs !== 0)
    return `steps of ${stepMs / 3_600_000} h must start on a multiple of the step from UTC midnight`
  return null
}

/**
 * Oudin PET of a regular series of steps (mm per step). Daily steps: PET of each step from its
 * temperature on the day of year of its middle. Sub-daily steps: each UTC day's PET from the
 * mean temperature of its steps in the series, shared among them by extraterrestrial radiation
 * (see the module's comment); a day only partly covered by the series uses the mean of the
 * steps present.
 *
 * @param startMs start of the first step (ms since the epoch, UTC)
 * @param stepMs step length (ms): a day, or a divisor of a day aligned to UTC midnight
 * @param tempC mean air temperature of each step (°C)
 * @param site latitude and longitude (degrees; longitude matters for sub-daily steps only)
 * @param out PET (mm per step), allocated by the caller, same length as `tempC`
 * @throws Error when the step is not allowed (see {@link petStepProblem}), the lengths differ,
 *   or the latitude is outside −90…90
 */
export function oudinPetSteps(
  startMs: number,
  stepMs: number,
  tempC: Float64Array,
  site: PetSite,
  out: Float64Array,
): void {
  const problem = petStepProblem(startMs, stepMs)
  if (problem !== null) throw new Error(`oudinPetSteps: ${problem}`)
  if (out.length !== tempC.length)
    throw new Error('oudinPetSteps: tempC and out must have the same length')
  checkLatitude(site.latDeg)
  const n = tempC.length
  if (stepMs === DAY_MS) {
    for (let i = 0; i < n; i++) {
      const j = dayOfYear(startMs + i * stepMs + stepMs / 2)
      out[i] = oudinPet(extraterrestrialRadiationDaily(site.latDeg, j), tempC[i]!)
    }
    return
  }
  let i = 0
  while (i < n) {
    const dayStart = Math.floor((startMs + i * stepMs) / DAY_MS) * DAY_MS
    const dayEnd = dayStart + DAY_MS
    let k = i
    let sum = 0
    while (k < n && startMs + k * stepMs < dayEnd) sum += tempC[k++]!
    const j = dayOfYear(dayStart)
    const raDay = extraterrestrialRadiationDaily(site.latDeg, j)
    const petDay = oudinPet(raDay, sum / (k - i))
    for (let m = i; m < k; m++) {
      const ra = extraterrestrialRadiationPeriod(site, startMs + m * stepMs, stepMs, j)
      out[m] = raDay > 0 ? (petDay * ra) / raDay : 0
    }
    i = k
  }
}

function checkLatitude(latDeg: number): void {
  if (!(latDeg >= -90 && latDeg <= 90)) throw new Error(`latitude ${latDeg} is outside −90…90`)
}
