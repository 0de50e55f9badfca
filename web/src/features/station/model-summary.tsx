/**
 * A basin's model (its parameters and calibration criteria) and the skill of its forecasts from
 * the latest hindcast: CRPS skill against climatology and persistence by lead time, and the
 * detection of the first threshold.
 */
import type { ReactNode } from 'react'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'

interface BasinModel {
  readonly model: string
  readonly params: Readonly<Record<string, number>>
  readonly calibration: {
    readonly criterion: string
    readonly value: number
    readonly evaluations: number
    readonly from: string
    readonly to: string
  } | null
}

interface Skill {
  readonly computedAt: string
  readonly firstIssue: string
  readonly lastIssue: string
  readonly issues: number
  readonly update: string
  readonly members: number
  readonly stepHours: number
  readonly thresholds: readonly { readonly name: string; readonly value: number }[]
  readonly leads: readonly {
    readonly lead: number
    readonly n: number
    readonly crpssClimatology: number | null
    readonly crpssPersistence: number | null
    readonly thresholds: readonly {
      readonly name: string
      readonly pod: number | null
      readonly far: number | null
      readonly csi: number | null
    }[]
  }[]
}

/**
 * The model and skill of `basinId`; each is asked for only when the station's state says it
 * exists (`model`, `skillAt`).
 */
export function ModelSummary(props: {
  basinId: string
  model: string | null
  skillAt: string | null
}): ReactNode {
  const { t, number, day } = useI18n()
  const base = `/api/v1/basins/${encodeURIComponent(props.basinId)}`
  const model = useApi<BasinModel>(props.model === null ? null : `${base}/model`, {
    what: t('model'),
    optional: true,
    live: ['forecast'],
  })
  const skill = useApi<Skill>(props.skillAt === null ? null : `${base}/skill`, {
    what: t('hindcast'),
    optional: true,
    live: ['skill'],
  })
  const m = model.data
  const k = skill.data
  const score = (v: number | null, digits = 2): string => (v === null ? '–' : number(v, digits))
  const first = k?.thresholds[0]
  return (
    <section className="model" data-testid="model-summary">
      <h3>{t('model')}</h3>
      <dl className="facts">
        <dt>{t('model')}</dt>
        <dd data-testid="model-name">{m?.model ?? t('notAvailable')}</dd>
        <dt>{t('parameters')}</dt>
        <dd>
          {m === undefined
            ? t('notAvailable')
            : Object.entries(m.params)
                .map(([name, v]) => `${name} ${number(v, 3)}`)
                .join(' · ')}
        </dd>
        <dt>{t('calibration')}</dt>
        <dd data-testid="calibration">
          {m?.calibration == null
            ? m === undefined
              ? t('notAvailable')
              : t('setByHand')
            : t('calibrationFacts', {
                criterion: m.calibration.criterion,
                value: number(m.calibration.value, 3),
                from: day(m.calibration.from),
                to: day(m.calibration.to),
                runs: String(m.calibration.evaluations),
              })}
        </dd>
      </dl>
      <h3>{t('hindcast')}</h3>
      {k === undefined ? (
        <p className="note">{t('noSkill')}</p>
      ) : (
        <>
          <p className="note" data-testid="skill-facts">
            {t('skillFacts', {
              issues: String(k.issues),
              from: day(k.firstIssue),
              to: day(k.lastIssue),
              members: String(k.members),
              update: k.update,
            })}
          </p>
          <table className="compact" data-testid="skill-table">
            <thead>
              <tr>
                <th scope="col">{t('lead')}</th>
                <th scope="col" title={t('crpssClimHint')}>
                  {t('crpssClim')}
                </th>
                <th scope="col" title={t('crpssPersHint')}>
                  {t('crpssPers')}
                </th>
                {first !== undefined ? (
                  <th scope="col">{t('detection', { threshold: first.name })}</th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {k.leads.map((l) => {
                const d = l.thresholds.find((x) => x.name === first?.name)
                return (
                  <tr key={l.lead}>
                    <td>{number((l.lead * k.stepHours) / 24, 0)} d</td>
                    <td>{score(l.crpssClimatology)}</td>
                    <td>{score(l.crpssPersistence)}</td>
                    {first !== undefined ? (
                      <td>
                        {d === undefined
                          ? '–'
                          : `${score(d.pod)} / ${score(d.far)} / ${score(d.csi)}`}
                      </td>
                    ) : null}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}
