import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { errors } from '#shared/platform/errors';
import { apiHandler } from '#shared/api/surface';
import type { RouteDefinition } from '#shared/http/route';

const route = {
  operationId: 'probe',
  method: 'POST',
  path: '/probe',
  handler: 'probe',
  auth: 'none',
  tableAccess: 'none',
  summary: 'probe',
  tags: [],
  request: { body: z.strictObject({ name: z.string() }) },
  success: { status: 201, description: 'ok', schema: z.object({}) },
} satisfies RouteDefinition;

const event = (body: string | null) =>
  ({
    httpMethod: 'POST',
    path: '/probe',
    body,
    isBase64Encoded: false,
    headers: {},
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'req-123', authorizer: null },
  }) as unknown as APIGatewayProxyEvent;

const context = {} as Context;

describe('the response envelope', () => {
  it('answers an unexpected fault with a 500 api_error that shows no internals', async () => {
    // Prepare: a domain call that fails with an internal message and stack.
    const handler = apiHandler(route, async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:8000 secret-table-name');
    });

    // Act
    const response = await handler(event('{"name":"x"}'), context);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      type: 'api_error',
      message: 'An internal error occurred. Retry later; if it persists, contact Osma support with the request-id.',
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.headers?.['request-id']).toBe('req-123');
  });

  it('answers with the error a domain call throws, and the route status on success', async () => {
    const failing = apiHandler(route, async () => {
      throw errors.invalidStatus('Nope.');
    });
    const working = apiHandler(route, async ({ body }) => ({ hello: body.name }));

    const failed = await failing(event('{"name":"x"}'), context);
    const worked = await working(event('{"name":"x"}'), context);

    expect(failed.statusCode).toBe(400);
    expect(JSON.parse(failed.body)).toEqual({ type: 'invalid_request_error', code: 'invalid_status', message: 'Nope.' });
    expect(worked.statusCode).toBe(201);
    expect(JSON.parse(worked.body)).toEqual({ hello: 'x' });
    expect(worked.headers).toMatchObject({ 'content-type': 'application/json', 'request-id': 'req-123' });
  });

  it('reads base64 bodies and treats an empty body as an empty object', async () => {
    const handler = apiHandler(route, async ({ body }) => body);

    const encoded = await handler(
      { ...event(Buffer.from('{"name":"b64"}').toString('base64')), isBase64Encoded: true },
      context,
    );
    const empty = await handler(event(''), context);

    expect(JSON.parse(encoded.body)).toEqual({ name: 'b64' });
    expect(empty.statusCode).toBe(400);
    expect(JSON.parse(empty.body).code).toBe('parameter_missing');
  });

  it('rate limit errors carry the exact body of the spec', () => {
    expect(errors.rateLimited().toBody()).toEqual({ type: 'rate_limit_error', message: 'Rate limit exceeded', status_code: 429 });
  });
});
