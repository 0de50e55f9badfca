/**
 * The alert texts Freshet writes, per language (English and Korean): event, headline,
 * description and instruction of each CAP `info`, from the warning's level, zone, threshold,
 * probability, onset and expiry. A language is offered only where its texts are here.
 */
import type { AlertTextContext, AlertTexts } from '../notify/publish-warnings.ts'

const pct = (p: number | null): string => (p === null ? '' : ` ${Math.round(p * 100)} %`)

const KO_LEVEL: Readonly<Record<string, string>> = {
  advisory: '주의',
  warning: '경보',
  severe: '심각 경보',
  emergency: '비상',
}

/** The alert texts by language (BCP 47). */
export const ALERT_TEXTS: Readonly<Record<string, AlertTexts>> = {
  en: {
    event: (c) => `Flood ${c.level}`,
    headline: (c) =>
      c.msgType === 'Cancel'
        ? `Flood ${c.level} cancelled: ${c.zoneName}`
        : `Flood ${c.level}: ${c.zoneName}`,
    description: (c: AlertTextContext) =>
      c.msgType === 'Cancel'
        ? `The flood ${c.level} is cancelled: flows are no longer expected to reach its threshold.`
        : `${c.meaning} ${c.basis === 'observed' ? 'Observed' : 'Forecast'} flow above ` +
          `${c.thresholdName ?? 'the threshold'}` +
          `${c.thresholdValue === null ? '' : ` (${Math.round(c.thresholdValue)} m³/s)`}` +
          `${c.probability === null ? '' : `, probability${pct(c.probability)}`}` +
          `${c.onset === null ? '' : `, from ${c.onset}`}; until ${c.expires}.`,
    instruction: (c) =>
      c.msgType === 'Cancel'
        ? 'No further action is needed for this warning.'
        : 'Keep informed and follow the instructions of the authorities.',
  },
  ko: {
    event: (c) => `홍수 ${KO_LEVEL[c.level] ?? c.level}`,
    headline: (c) =>
      c.msgType === 'Cancel'
        ? `홍수 ${KO_LEVEL[c.level] ?? c.level} 해제: ${c.zoneName}`
        : `홍수 ${KO_LEVEL[c.level] ?? c.level}: ${c.zoneName}`,
    description: (c) =>
      c.msgType === 'Cancel'
        ? '유량이 더 이상 기준을 넘지 않을 것으로 예상되어 홍수 특보를 해제합니다.'
        : `${c.basis === 'observed' ? '관측' : '예측'} 유량이 ${c.thresholdName ?? '기준'}` +
          `${c.thresholdValue === null ? '' : ` (${Math.round(c.thresholdValue)} m³/s)`}을 넘습니다` +
          `${c.probability === null ? '' : ` (확률${pct(c.probability)})`}` +
          `${c.onset === null ? '' : `, 시작 ${c.onset}`}; 종료 ${c.expires}.`,
    instruction: (c) =>
      c.msgType === 'Cancel'
        ? '추가 조치는 필요하지 않습니다.'
        : '최신 정보를 확인하고 당국의 지시에 따르십시오.',
  },
}
