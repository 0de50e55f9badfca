/** Preparedness over HTTP: depots, stock, targets, allocation, dispatches, shelters, requests. */
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.ts'

export function registerLogistics(app: FastifyInstance, deps: AppDeps): void {
  void app
  void deps
}
