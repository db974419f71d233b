import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../engine/log.ts';
import type { HealthMonitor } from './health.ts';
import type { OpsMetrics } from './metrics.ts';

export const OpsServerOptionsSchema = z.object({
  port: z
    .number()
    .int()
    .min(0, '--metrics-port must be 0..65535')
    .max(65_535, '--metrics-port must be 0..65535'),
  /** Loopback by default: the endpoints are unauthenticated. */
  host: z.string().min(1).default('127.0.0.1'),
});

export interface OpsServer {
  readonly app: FastifyInstance;
  /** `http://host:port` once listening. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The ops HTTP endpoints: `GET /healthz` (200 while the loop ticks; 503 when stale or halted, the reason
 * in the JSON body) and `GET /metrics` (Prometheus text from the run's own registry).
 */
export function buildOpsApp(deps: {
  readonly metrics: OpsMetrics;
  readonly health: HealthMonitor;
}): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const h = deps.health.check();
    return reply.code(h.httpStatus).send({
      status: h.status,
      reason: h.reason,
      system_state: h.systemState,
      cycle: h.cycle,
      last_cycle_at: h.lastCycleAt === null ? null : new Date(h.lastCycleAt).toISOString(),
      age_s: h.ageS,
      stale_after_s: h.staleAfterS,
    });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.text();
    return reply.header('content-type', deps.metrics.contentType).send(text);
  });
  return app;
}

export async function startOpsServer(opts: {
  readonly port: number;
  readonly host?: string;
  readonly metrics: OpsMetrics;
  readonly health: HealthMonitor;
  readonly logger: Logger;
}): Promise<OpsServer> {
  const { port, host } = OpsServerOptionsSchema.parse({ port: opts.port, host: opts.host });
  const app = buildOpsApp(opts);
  await app.listen({ port, host });
  const addr = app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  opts.logger.info({ url, endpoints: ['/healthz', '/metrics'] }, 'Ops server listening');
  return { app, url, close: () => app.close() };
}
