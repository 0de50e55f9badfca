/** One problem found in an input, with where it is (a path of keys and indices). */
export interface Issue {
  readonly path: readonly (string | number)[]
  readonly message: string
}

/** The outcome of an operation that can fail in an expected way, collecting every problem. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly Issue[] }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = <T = never>(issues: readonly Issue[]): Result<T> => ({ ok: false, issues })

/** Formats an issue as `path: message` (the path dotted, indices in brackets). */
export function formatIssue(issue: Issue): string {
  let p = ''
  for (const k of issue.path) p += typeof k === 'number' ? `[${k}]` : p === '' ? k : `.${k}`
  return p === '' ? issue.message : `${p}: ${issue.message}`
}
