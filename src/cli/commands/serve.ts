import type { Command } from 'commander'
import { loadConfig } from '../../server/config.ts'
import { startServer } from '../../server/main.ts'
import { guard } from '../errors.ts'

/** `freshet serve`: the HTTP API (configuration: docs/configuration.md). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API (PORT, FRESHET_DB, FRESHET_CONFIG; see docs/configuration.md)')
    .option('--no-demo', 'do not load the demo region')
    .action((opts: { demo: boolean }) =>
      guard(async () => {
        const config = loadConfig(process.env)
        const server = await startServer({ ...config, demo: config.demo && opts.demo }, process.env, (token) =>
          process.stderr.write(`freshet: no API token configured; this run's admin token is ${token}\n`),
        )
        process.stderr.write(`freshet: serving ${server.url} (API docs at ${server.url}/docs)\n`)
        const stop = (): void => {
          void server.close().then(() => process.exit(0))
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      }),
    )
}
