/**
 * Progress of long work on standard error: a bar when standard error is a terminal, nothing
 * otherwise (so pipes and logs stay clean).
 */
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, total: number, label?: string): void
  stop(): void
}

/** A progress bar titled `title`, or a silent one when standard error is not a terminal. */
export function progressBar(title: string, force = false): Progress {
  if (!process.stderr.isTTY && !force) return { update: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${title} [{bar}] {percentage}% | {value}/{total} | {label}`,
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: force && !process.stderr.isTTY,
      notTTYSchedule: 500,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label })
        started = true
      } else {
        bar.setTotal(total)
        bar.update(done, { label })
      }
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
