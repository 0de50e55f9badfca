/**
 * `npm run bench`: every benchmark of Freshet in turn. Each prints its figures beside a
 * reference measured in the same run and ends with `name=value` lines.
 */
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const benches = ['gr4j.ts', 'ingest.ts', 'cycle.ts', 'alert-latency.ts', 'dashboard-ready.ts']
for (const b of benches) {
  console.log(`== ${b}`)
  execFileSync(process.execPath, ['--import', 'tsx', join(here, b)], { stdio: 'inherit' })
}
