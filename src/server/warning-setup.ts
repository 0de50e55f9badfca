/** The warning zones and rules a server's configuration gives it (shared with the command line). */
import type { ServerConfig } from './config.ts'
import { demoWarnings, readDemoRegion, type DemoRegion } from './demo.ts'
import { noWarnings, warningSetupFromConfig, type WarningSetup } from './warnings.ts'

/**
 * The warning zones and rules a configuration gives the server: the demo region's, the
 * configured `warnings`, or none; CAP `web` left empty.
 * @param demo the demo region when the configuration runs the demo (read when not given)
 */
export function configuredWarnings(
  config: ServerConfig,
  demo: DemoRegion | undefined = config.demo ? readDemoRegion() : undefined,
): WarningSetup {
  if (demo !== undefined) return demoWarnings(demo, '')
  if (config.warnings !== undefined) return warningSetupFromConfig(config.warnings, '')
  return noWarnings('')
}
