/**
 * The Freshet HTTP API: a Fastify app with its OpenAPI description at `/openapi.json` and an
 * interactive page at `/docs`. Routes live in `routes/`, one file per area; each declares its
 * request and response schemas with zod, from which validation and the description follow.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import type { AppDeps } from './deps.ts'
import { installErrorHandler } from './errors.ts'
import { registerCap } from './routes/cap.ts'
import { registerCommand } from './routes/command.ts'
import { registerDashboard } from './routes/dashboard.ts'
import { registerDeliveries } from './routes/deliveries.ts'
import { registerDemo } from './routes/demo.ts'
import { registerEvents } from './routes/events.ts'
import { registerHealth } from './routes/health.ts'
import { registerSession } from './routes/session.ts'
import { registerSimulation } from './routes/simulation.ts'
import { registerLogistics } from './routes/logistics.ts'
import { registerForecasts } from './routes/forecasts.ts'
import { registerNetwork } from './routes/network.ts'
import { registerNetworkAdmin } from './routes/network-admin.ts'
import { registerObservations } from './routes/observations.ts'
import { registerSubscriptions } from './routes/subscriptions.ts'
import { registerThresholds } from './routes/thresholds.ts'
import { registerWarnings } from './routes/warnings.ts'
import { registerWeb } from './routes/web.ts'

export interface AppOptions {
  readonly bodyLimit: number
  readonly logLevel: string
}

/** Builds the app (not listening). Tests call `app.inject`. */
export async function buildApp(deps: AppDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: options.bodyLimit,
    // Acknowledgment tokens travel in the path: a signature and a message id.
    routerOptions: { maxParamLength: 256 },
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandler(app)
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Freshet API',
        description: 'Flood forecasting, warnings, command and preparedness.',
        version: '1',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger())
  registerHealth(app, deps)
  registerSession(app, deps)
  registerNetwork(app, deps)
  registerNetworkAdmin(app, deps)
  registerObservations(app, deps)
  registerForecasts(app, deps)
  registerSimulation(app, deps)
  registerThresholds(app, deps)
  registerEvents(app, deps)
  registerCap(app, deps)
  registerWarnings(app, deps)
  registerSubscriptions(app, deps)
  registerDeliveries(app, deps)
  registerCommand(app, deps)
  registerLogistics(app, deps)
  registerDashboard(app, deps)
  registerDemo(app, deps)
  // Last: the dashboard's deep links fall back to its index.html.
  await registerWeb(app, deps.webRoot)
  return app
}
