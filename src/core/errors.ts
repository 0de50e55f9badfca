/**
 * A problem with what a user supplied (a file, a parameter, a period). Raised at public
 * boundaries; the CLI prints its message on one line and exits with status 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError'
}

/** Marks a branch that the type checker proves unreachable. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`)
}
