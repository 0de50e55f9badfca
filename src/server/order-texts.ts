/**
 * The texts of order messages, per language (English and Korean): the subject and the lines of
 * an order as issued, of a reminder to a silent post, and of the notice to its superiors. A
 * contact whose language has no texts here reads English. Times are ISO 8601 UTC strings;
 * identifiers, URLs and the JSON of the answer stay as they are in every language.
 */
import type { OrderDeadline } from '../notify/types.ts'

/** The facts an order message is written from. */
export interface OrderTextContext {
  readonly orderId: string
  readonly title: string
  readonly issuerPost: string
  /** ISO 8601 UTC. */
  readonly issuedAt: string
  /** ISO 8601 UTC. */
  readonly ackDeadline: string
  /** ISO 8601 UTC. */
  readonly completionDeadline: string
  /** The order it corrects, or null. */
  readonly references: string | null
  /** The post the message is about (the recipient, or the silent post in an escalation). */
  readonly post: string
  /** The post's current status (as the API spells it). */
  readonly status: string
  readonly recordUrl: string
  readonly respondUrl: string
}

/** Subject and lines of each kind of order message in one language. */
export interface OrderTexts {
  readonly subjectIssued: (c: OrderTextContext) => string
  readonly subjectReminder: (c: OrderTextContext, deadline: OrderDeadline) => string
  readonly subjectEscalation: (c: OrderTextContext, deadline: OrderDeadline | null) => string
  /** What the post is asked when the order is issued. */
  readonly askIssued: (c: OrderTextContext) => string
  /** What the post is asked when a deadline has passed. */
  readonly askReminder: (c: OrderTextContext, deadline: OrderDeadline) => string
  /** How to answer: three lines (who, the call, the body and the version rule). */
  readonly howToAnswer: (c: OrderTextContext, version: number) => readonly string[]
  /** The notice to `superior` about the silent post, with where to follow it up. */
  readonly escalation: (
    c: OrderTextContext,
    deadline: OrderDeadline | null,
    superior: string,
    escalationsUrl: string,
  ) => readonly string[]
  /** The order itself: header, correction, actions, deadlines and the post's status. */
  readonly body: (c: OrderTextContext, actions: readonly string[]) => readonly string[]
}

const EN_DEADLINE: Readonly<Record<OrderDeadline, { missed: string; ask: string }>> = {
  ack: { missed: 'acknowledgment', ask: 'acknowledge it' },
  completion: { missed: 'completion', ask: 'report its completion' },
}

const KO_DEADLINE: Readonly<Record<OrderDeadline, { missed: string; ask: string }>> = {
  ack: { missed: '접수 확인', ask: '지금 접수를 확인하십시오' },
  completion: { missed: '완료 보고', ask: '지금 완료를 보고하십시오' },
}

const ANSWER_JSON = (version: number): string =>
  `{"kind": "received" | "accepted" | "unable" (+ "reason") | "completed" (+ "report"), "version": ${version}}`

/** The order texts by language (BCP 47). */
export const ORDER_TEXTS: Readonly<Record<string, OrderTexts>> = {
  en: {
    subjectIssued: (c) => `Order ${c.orderId}: ${c.title}`,
    subjectReminder: (c, d) =>
      `Reminder, ${EN_DEADLINE[d].missed} overdue: order ${c.orderId}: ${c.title}`,
    subjectEscalation: (c, d) =>
      `Escalation: ${c.post} missed ${d === null ? 'a' : `the ${EN_DEADLINE[d].missed}`} deadline of order ${c.orderId}: ${c.title}`,
    askIssued: (c) =>
      `${c.post}: acknowledge this order by ${c.ackDeadline} and report its completion by ${c.completionDeadline}.`,
    askReminder: (c, d) =>
      `${c.post}: the ${EN_DEADLINE[d].missed} deadline has passed; ${EN_DEADLINE[d].ask} now.`,
    howToAnswer: (c, version) => [
      `Answer (a commander or duty officer of ${c.post}): POST ${c.respondUrl}`,
      `  with ${ANSWER_JSON(version)}`,
      `  (the version of the record at ${c.recordUrl}; read it again if the answer is refused with 409).`,
    ],
    escalation: (c, d, superior, escalationsUrl) => {
      const which = d === null ? 'a' : `the ${EN_DEADLINE[d].missed}`
      return [
        `${superior}: ${c.post}, below you, has not answered in time (${which} deadline).`,
        `Follow it up. Its record: GET ${c.recordUrl}; it answers with POST ${c.respondUrl}.`,
        `Escalations told to you: GET ${escalationsUrl}`,
      ]
    },
    body: (c, actions) => [
      `Order ${c.orderId} from ${c.issuerPost}, issued ${c.issuedAt}: ${c.title}`,
      ...(c.references === null ? [] : [`It corrects order ${c.references}.`]),
      '',
      'Actions:',
      ...actions.map((a, i) => `${i + 1}. ${a}`),
      '',
      `Acknowledge by: ${c.ackDeadline}`,
      `Complete by: ${c.completionDeadline}`,
      `Status of ${c.post}: ${c.status}`,
    ],
  },
  ko: {
    subjectIssued: (c) => `지시 ${c.orderId}: ${c.title}`,
    subjectReminder: (c, d) =>
      `재통보, ${KO_DEADLINE[d].missed} 기한 경과: 지시 ${c.orderId}: ${c.title}`,
    subjectEscalation: (c, d) =>
      `상급 보고: ${c.post}이(가) 지시 ${c.orderId}의 ${d === null ? '' : `${KO_DEADLINE[d].missed} `}기한을 넘김: ${c.title}`,
    askIssued: (c) =>
      `${c.post}: ${c.ackDeadline}까지 이 지시의 접수를 확인하고 ${c.completionDeadline}까지 완료를 보고하십시오.`,
    askReminder: (c, d) =>
      `${c.post}: ${KO_DEADLINE[d].missed} 기한이 지났습니다. ${KO_DEADLINE[d].ask}.`,
    howToAnswer: (c, version) => [
      `응답 (${c.post}의 지휘관 또는 당직자): POST ${c.respondUrl}`,
      `  본문 ${ANSWER_JSON(version)}`,
      `  (version은 ${c.recordUrl} 기록의 버전입니다. 409로 거부되면 다시 읽으십시오.)`,
    ],
    escalation: (c, d, superior, escalationsUrl) => [
      `${superior}: 하급 기관 ${c.post}이(가) ${d === null ? '' : `${KO_DEADLINE[d].missed} `}기한 내에 응답하지 않았습니다.`,
      `확인하십시오. 기록: GET ${c.recordUrl}; 응답: POST ${c.respondUrl}.`,
      `귀하에게 통보된 상급 보고: GET ${escalationsUrl}`,
    ],
    body: (c, actions) => [
      `지시 ${c.orderId} (발령 ${c.issuerPost}, ${c.issuedAt}): ${c.title}`,
      ...(c.references === null ? [] : [`지시 ${c.references}을(를) 정정합니다.`]),
      '',
      '조치 사항:',
      ...actions.map((a, i) => `${i + 1}. ${a}`),
      '',
      `접수 확인 기한: ${c.ackDeadline}`,
      `완료 기한: ${c.completionDeadline}`,
      `${c.post} 상태: ${c.status}`,
    ],
  },
}

/** The texts for `language` (its primary subtag), English when there are none. */
export function orderTextsFor(language: string): OrderTexts {
  return ORDER_TEXTS[language] ?? ORDER_TEXTS[language.split('-')[0] ?? ''] ?? ORDER_TEXTS.en!
}
