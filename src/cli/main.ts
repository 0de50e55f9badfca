/**
 * The `freshet` command line. Every command lives in `commands/`; this file wires them. A
 * command's module (and what it imports: the server, the solver, the database drivers) is loaded
 * only when that command runs, so `freshet run` starts without loading the server; help and
 * unknown commands load them all.
 */
import { Command, CommanderError } from 'commander'

type Register = (program: Command) => void

/** The modules of the top-level commands, by name, in the order help lists them. */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import('./commands/run.ts')).registerRun,
  calibrate: async () => (await import('./commands/calibrate.ts')).registerCalibrate,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  hindcast: async () => (await import('./commands/hindcast.ts')).registerHindcast,
  thresholds: async () => (await import('./commands/thresholds.ts')).registerThresholds,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  ingest: async () => (await import('./commands/ingest.ts')).registerIngest,
  cap: async () => (await import('./commands/cap.ts')).registerCap,
  audit: async () => (await import('./commands/audit.ts')).registerAudit,
  command: async () => (await import('./commands/command.ts')).registerCommand,
  logistics: async () => (await import('./commands/logistics.ts')).registerLogistics,
  'password-hash': async () => (await import('./commands/password.ts')).registerPassword,
}

const program = new Command()
program
  .name('freshet')
  .description('Freshet: flood forecasting, warnings, command and preparedness')
  .showHelpAfterError('(run `freshet --help` for the commands)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })

// The first argument that is not an option names the command.
const named = process.argv.slice(2).find((a) => !a.startsWith('-'))
const load = named !== undefined ? COMMANDS[named] : undefined
for (const register of load !== undefined
  ? [await load()]
  : await Promise.all(Object.values(COMMANDS).map((l) => l())))
  register(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version end with status 0; a usage mistake with 2, commander having said why.
    process.exitCode = e.exitCode === 0 ? 0 : 2
  } else {
    throw e
  }
}
