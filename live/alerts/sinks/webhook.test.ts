import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkError } from '../sink.ts';
import type { Alert } from '../types.ts';
import { WebhookSink } from './webhook.ts';

const alert: Alert = {
  type: 'KILL_SWITCH',
  urgent: true,
  title: 'Kill switch activated (MARGIN_CRITICAL)',
  lines: ['margin 93%'],
  fields: { reason: 'MARGIN_CRITICAL' },
  ts: Date.UTC(2026, 1, 8, 12),
  seq: 1,
};

describe('WebhookSink against a local HTTP server', () => {
  let app: FastifyInstance;
  let url: string;
  const bodies: unknown[] = [];
  let answer: { status: number; headers?: Record<string, string>; body?: unknown; hang?: boolean } = {
    status: 204,
  };

  beforeEach(async () => {
    bodies.length = 0;
    answer = { status: 204 };
    app = Fastify({ logger: false, forceCloseConnections: true });
    app.post('/hook/:secret', async (req, reply) => {
      bodies.push(req.body);
      if (answer.hang) return reply; // never answers
      for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
      return reply.code(answer.status).send(answer.body ?? '');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook/s3cr3t`;
  });

  afterEach(async () => {
    await app.close();
  });

  const deliver = (sink: WebhookSink) => sink.deliver(alert, new AbortController().signal);

  it('posts Discord/Slack-compatible JSON (content + text) with the alert fields', async () => {
    await deliver(new WebhookSink({ url }));
    expect(bodies).toEqual([
      {
        content: '🚨 [KILL_SWITCH] Kill switch activated (MARGIN_CRITICAL)\nmargin 93%',
        text: '🚨 [KILL_SWITCH] Kill switch activated (MARGIN_CRITICAL)\nmargin 93%',
        alert: {
          type: 'KILL_SWITCH',
          urgent: true,
          ts: '2026-02-08T12:00:00.000Z',
          reason: 'MARGIN_CRITICAL',
        },
      },
    ]);
  });

  it('the sink name shows the host only (webhook paths carry secrets)', () => {
    expect(new WebhookSink({ url }).name).toMatch(/^webhook\(127\.0\.0\.1:\d+\)$/);
  });

  it('5xx is a retryable SinkError with the status', async () => {
    answer = { status: 503, body: 'upstream down' };
    const err = await deliver(new WebhookSink({ url })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect(err).toMatchObject({ retryable: true, status: 503, retryAfterMs: null });
  });

  it('429 carries the wait from Retry-After or a Discord JSON retry_after', async () => {
    answer = { status: 429, headers: { 'retry-after': '4' } };
    expect(await deliver(new WebhookSink({ url })).catch((e: unknown) => e)).toMatchObject({
      retryAfterMs: 4000,
    });
    answer = {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.75, global: false },
    };
    expect(await deliver(new WebhookSink({ url })).catch((e: unknown) => e)).toMatchObject({
      retryAfterMs: 750,
    });
  });

  it('a 4xx other than 429 is not retryable', async () => {
    answer = { status: 404, body: { message: 'Unknown Webhook' } };
    expect(await deliver(new WebhookSink({ url })).catch((e: unknown) => e)).toMatchObject({
      retryable: false,
      status: 404,
    });
  });

  it('a server that never answers times out as a retryable error', async () => {
    answer = { status: 200, hang: true };
    const err = await deliver(new WebhookSink({ url, timeoutMs: 100 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).retryable).toBe(true);
    expect((err as SinkError).message).toMatch(/request failed \(TimeoutError/);
  });
});
