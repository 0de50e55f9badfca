/** Command over HTTP: posts, assignments, incidents, orders, situation reports, the audit log. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.ts'

export function registerCommand(app: FastifyInstance, deps: AppDeps): void {
  void app
  void deps
}
