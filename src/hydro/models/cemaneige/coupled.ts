/**
 * A daily GR model behind the CemaNeige snow module (airGR's `RunModel_CemaNeigeGR4J`,
 * `…GR5J`, `…GR6J`; Valéry et al. 2014; Riboust et al. 2019; Coron et al. 2017): the catchment
 * forcing is extrapolated onto elevation layers, each layer runs its own snow pack, and the GR
 * model receives the layers' mean of liquid precipitation plus melt instead of the precipitation.
 */
import { InputError } from '../../../core/errors.ts'
import type { Issue } from '../../../core/result.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import { finiteParams } from '../types.ts'
import {
  HYPSOMETRY_POINTS,
  extrapolateLayers,
  meanAnnualSolidPrecip,
  medianElevation,
  type LayerInputs,
} from './extrapolation.ts'
import { checkSnowParams, snowParamNames, snowParamUnits } from './params.ts'
import { DAYS_PER_YEAR, simulateSnowLayer, snowOutputNames, type SnowLayerSeries } from './run.ts'
import { snowLayerStateSize, snowStateNames } from './state.ts'

/** Largest number of layers: airGR gives every layer at least one of the curve's 100 intervals. */
export const MAX_LAYERS = 100

/** How the snow module is set up (the `snow` options of a model-run file, and the basin). */
export interface CemaNeigeOptions {
  /** Number of elevation layers (integer, 1–100; airGR's default is 5). */
  readonly layers: number
  /** Whether to use the linear hysteresis (parameters CNX3 and CNX4). */
  readonly hysteresis: boolean
  /** 101 elevations (m a.s.l.): minimum, percentiles 1–99, maximum (airGR's `HypsoData`). */
  readonly hypsometry: Float64Array
  /**
   * Mean annual solid precipitation (mm/year), the same for every layer; when absent it is
   * computed, as airGR does, from the whole forcing series given to the model.
   */
  readonly meanAnnualSolidPrecipMm?: number
  /** Elevation of the forcing series (m a.s.l.); the median of the hypsometry when absent. */
  readonly zInputs?: number
}

/** What the snow module derives once from one forcing series. */
interface Prepared {
  readonly temp: Float64Array | undefined
  readonly times: Float64Array | undefined
  readonly tempMin: Float64Array | undefined
  readonly tempMax: Float64Array | undefined
  readonly layers: readonly SnowLayerSeries[]
  readonly meanAnnualSolidPrecip: number
  /** The GR model's rainfall: layer mean of PliqAndMelt, indexed like the forcing. */
  readonly rainfall: Float64Array
  /** One layer's PliqAndMelt over the current run. */
  readonly scratch: Float64Array
}

/**
 * Builds CemaNeige followed by the daily GR model `gr` as one {@link ModelDefinition}:
 *
 * - name `CemaNeige${gr.name}`;
 * - parameters: those of `gr`, then CNX1, CNX2 (and CNX3, CNX4 with the hysteresis);
 * - outputs: those of `gr` — with `Precip` the raw catchment precipitation, as in airGR — then,
 *   layer by layer from the lowest (L1) to the highest, `L1_Pliq`, `L1_Psol`, `L1_SnowPack`, …
 *   (see `SNOW_OUTPUTS` in `run.ts`);
 * - state: that of `gr`, then each layer's block (`state.ts`); the snow starts empty.
 *
 * The forcing needs `temp` (°C) and, unless there is a single layer at the input elevation,
 * `times` (the day of the year picks the temperature gradient). The layer series and the mean
 * annual solid precipitation are derived from the whole forcing the first time a series is run
 * and kept (by the identity of its arrays): do not change a forcing's arrays in place between
 * runs. The GR model receives the layer mean of PliqAndMelt summed in layer order,
 * ((L1/n + L2/n) + L3/n) + …, as airGR does.
 *
 * @param gr any daily GR model (GR4J, GR5J, GR6J) without snow
 * @throws InputError when `gr` is not daily, or the options are out of their domain (layers not
 *   an integer in 1–100, a hypsometry that is not 101 finite elevations, a non-finite input
 *   elevation, a negative or non-finite mean annual solid precipitation)
 */
export function createCemaNeigeModel(
  gr: ModelDefinition,
  options: CemaNeigeOptions,
): ModelDefinition {
  const { layers, hysteresis, hypsometry } = options
  const problems = checkOptions(gr, options)
  if (problems.length > 0) throw new InputError(problems.join('; '))
  const zInputs = options.zInputs ?? medianElevation(hypsometry)
  const nGrParams = gr.paramNames.length
  const nGrOutputs = gr.outputNames.length
  const grStateSize = gr.stateSize
  const block = snowLayerStateSize(hysteresis)
  const layerOutputs = snowOutputNames(hysteresis)
  const nLayerOutputs = layerOutputs.length
  const precipOutput = gr.outputNames.indexOf('Precip')
  const snowNames = snowParamNames(hysteresis)
  const paramNames = [...gr.paramNames, ...snowNames]
  const outputNames = [...gr.outputNames]
  for (let k = 1; k <= layers; k++) for (const o of layerOutputs) outputNames.push(`L${k}_${o}`)
  const cache = new WeakMap<Float64Array, Prepared>()

  function prepare(forcing: Forcing): Prepared {
    const hit = cache.get(forcing.precip)
    if (
      hit !== undefined &&
      hit.temp === forcing.temp &&
      hit.times === forcing.times &&
      hit.tempMin === forcing.tempMin &&
      hit.tempMax === forcing.tempMax
    )
      return hit
    let inputs: LayerInputs
    try {
      inputs = extrapolateLayers(forcing, { hypsometry, layers, zInputs })
    } catch (e) {
      throw new InputError(`CemaNeige${gr.name}: ${(e as Error).message}`)
    }
    const n = forcing.precip.length
    const prepared: Prepared = {
      temp: forcing.temp,
      times: forcing.times,
      tempMin: forcing.tempMin,
      tempMax: forcing.tempMax,
      layers: inputs.precip.map((precip, k) => ({
        precip,
        fracSolid: inputs.fracSolid[k]!,
        temp: inputs.tempMean[k]!,
      })),
      meanAnnualSolidPrecip:
        options.meanAnnualSolidPrecipMm ??
        meanAnnualSolidPrecip(inputs.precip, inputs.fracSolid, DAYS_PER_YEAR),
      rainfall: new Float64Array(n),
      scratch: new Float64Array(n),
    }
    cache.set(forcing.precip, prepared)
    return prepared
  }

  return {
    name: `CemaNeige${gr.name}`,
    timeStep: 'daily',
    paramNames,
    paramUnits: [...gr.paramUnits, ...snowParamUnits(hysteresis)],
    outputNames,
    needsTemperature: true,
    stateSize: grStateSize + layers * block,
    stateNames: [...gr.stateNames, ...snowStateNames(layers, hysteresis)],
    checkParams(params: Float64Array): Issue[] {
      if (params.length !== paramNames.length) return finiteParams(paramNames, params)
      const issues = gr.checkParams(params.subarray(0, nGrParams))
      const notFinite = finiteParams(snowNames, params.subarray(nGrParams))
      if (notFinite.length > 0) return [...issues, ...notFinite]
      return [...issues, ...checkSnowParams(params, nGrParams, hysteresis)]
    },
    initialState(params: Float64Array, levels: InitialLevels): Float64Array {
      const st = new Float64Array(grStateSize + layers * block)
      st.set(gr.initialState(params.subarray(0, nGrParams), levels))
      return st
    },
    simulate(params, forcing, state, start, end, qsim, outputs) {
      const prep = prepare(forcing)
      const snowParams = params.subarray(nGrParams)
      const rainfall = prep.rainfall
      const melt = prep.scratch
      for (let k = 0; k < layers; k++) {
        const outs =
          outputs === null
            ? null
            : outputs.slice(nGrOutputs + k * nLayerOutputs, nGrOutputs + (k + 1) * nLayerOutputs)
        simulateSnowLayer(
          snowParams,
          hysteresis,
          prep.meanAnnualSolidPrecip,
          prep.layers[k]!,
          state,
          grStateSize + k * block,
          start,
          end,
          melt,
          outs,
        )
        // As airGR: each layer divided by n, then added in layer order ((ΣL)/n differs in the
        // last bit).
        if (k === 0) for (let i = start; i < end; i++) rainfall[i] = melt[i - start]! / layers
        else
          for (let i = start; i < end; i++) rainfall[i] = rainfall[i]! + melt[i - start]! / layers
      }
      gr.simulate(
        params.subarray(0, nGrParams),
        { precip: rainfall, pet: forcing.pet },
        state.subarray(0, grStateSize),
        start,
        end,
        qsim,
        outputs === null ? null : outputs.slice(0, nGrOutputs),
      )
      if (outputs !== null && precipOutput >= 0) {
        const o = outputs[precipOutput]!
        for (let i = start; i < end; i++) o[i - start] = forcing.precip[i]!
      }
    },
  }
}

function checkOptions(gr: ModelDefinition, options: CemaNeigeOptions): string[] {
  const problems: string[] = []
  if (gr.timeStep !== 'daily')
    problems.push(`CemaNeige runs with daily models only, not ${gr.name} (${gr.timeStep})`)
  if (gr.needsTemperature) problems.push(`${gr.name} already has a snow module`)
  const { layers, hypsometry, zInputs, meanAnnualSolidPrecipMm: masp } = options
  if (!(Number.isInteger(layers) && layers >= 1 && layers <= MAX_LAYERS))
    problems.push(`snow.layers must be an integer from 1 to ${MAX_LAYERS}, got ${layers}`)
  if (hypsometry.length !== HYPSOMETRY_POINTS || !hypsometry.every(Number.isFinite))
    problems.push(`the hypsometry must be ${HYPSOMETRY_POINTS} finite elevations (m)`)
  if (zInputs !== undefined && !Number.isFinite(zInputs))
    problems.push(`the input elevation must be a finite number of metres, got ${zInputs}`)
  if (masp !== undefined && !(Number.isFinite(masp) && masp >= 0))
    problems.push(`snow.meanAnnualSolidPrecipMm must be a finite number ≥ 0 mm/year, got ${masp}`)
  return problems
}
