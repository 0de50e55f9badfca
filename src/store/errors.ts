/**
 * Errors the store raises for what it was given, as opposed to failures of the database.
 */
import { InputError } from '../core/errors.ts'
import { formatIssue, type Issue } from '../core/result.ts'

/**
 * A batch of observations that cannot be stored as given: nothing of it was written. Every
 * problem is listed with its path `[row index, field]`, so no row is ever dropped silently.
 */
export class RejectedBatchError extends InputError {
  readonly issues: readonly Issue[]

  constructor(issues: readonly Issue[]) {
    const shown = issues.slice(0, 5).map(formatIssue).join('; ')
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''
    super(`batch rejected, nothing written: ${shown}${more}`)
    this.issues = issues
    // InputError fixes its name's type to the literal 'InputError'; the instance still says
    // which kind of input error it is.
    Object.defineProperty(this, 'name', { value: 'RejectedBatchError' })
  }
}
