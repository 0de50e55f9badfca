/**
 * How the CLI ends on a problem: a user's mistake (bad file, bad option) is one line on
 * standard error and exit status 2; anything else is a bug, reported with its stack and
 * exit status 1.
 */
import { InputError } from '../core/errors.ts'

/** Runs `action`, turning its failures into the CLI's exit statuses. */
export async function guard(action: () => Promise<void> | void): Promise<void> {
  try {
    await action()
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`freshet: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`)
      process.exitCode = 2
      return
    }
    throw e
  }
}
