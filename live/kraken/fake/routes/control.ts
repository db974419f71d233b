import type { FastifyInstance } from 'fastify';
import { FaultConfigSchema } from '../faults.ts';
import type { FakeVenueContext } from '../server.ts';

/**
 * Test control API (not part of Kraken's): inspect request counts and set faults over HTTP, for tests
 * that drive the fake as a separate process (`smc fake-exchange`).
 *
 *   GET  /_control/health           → { ok, now }
 *   GET  /_control/stats            → { requests: {public, charts, private}, failed: {…} }
 *   GET  /_control/faults           → current fault config
 *   PUT  /_control/faults  {…}      → replace the fault config (fields as FaultConfigSchema)
 *   POST /_control/reset            → clear faults and counters
 */
export function registerControlRoutes(app: FastifyInstance, ctx: FakeVenueContext): void {
  app.get('/_control/health', async () => ({ ok: true, now: ctx.now() }));
  app.get('/_control/stats', async () => ctx.faults.stats);
  app.get('/_control/faults', async () => ctx.faults.current);
  app.put('/_control/faults', async (req, reply) => {
    const parsed = FaultConfigSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: msg });
    }
    return ctx.faults.set(parsed.data);
  });
  app.post('/_control/reset', async () => {
    ctx.faults.reset();
    return { ok: true };
  });
}
