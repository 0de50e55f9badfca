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
        const say = (msg: string): boolean => process.stderr.write(`freshet: ${msg}\n`)
        const server = await startServer(
          { ...config, demo: config.demo && opts.demo },
          process.env,
          (token) => say(`no API token configured; this run's admin token is ${token}`),
          say,
        )
        say(`serving ${server.url} (API docs at ${server.url}/docs)`)
        const stop = (): void => {
          void server.close().then(() => process.exit(0))
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      }),
    )
}
