/**
 * The `freshet` command line. Every command lives in `commands/`; this file wires them.
 */
import { Command, CommanderError } from 'commander'
import { registerAudit } from './commands/audit.ts'
import { registerCalibrate } from './commands/calibrate.ts'
import { registerCap } from './commands/cap.ts'
import { registerDemo } from './commands/demo.ts'
import { registerHindcast } from './commands/hindcast.ts'
import { registerIngest } from './commands/ingest.ts'
import { registerRun } from './commands/run.ts'
import { registerServe } from './commands/serve.ts'
import { registerThresholds } from './commands/thresholds.ts'

const program = new Command()
program
  .name('freshet')
  .description('Freshet: flood forecasting, warnings, command and preparedness')
  .showHelpAfterError('(run `freshet --help` for the commands)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })

registerRun(program)
registerCalibrate(program)
registerDemo(program)
registerHindcast(program)
registerThresholds(program)
registerServe(program)
registerIngest(program)
registerCap(program)
registerAudit(program)

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
