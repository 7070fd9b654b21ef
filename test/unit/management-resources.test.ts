import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { webhookDelivery } from '#shared/api/webhooks/schemas';
import { CURSOR_PARAMS, inRequestTerms, kebabSchema, kebabValue, listAnswer } from '#shared/identity/scoped-resources';
import { errors, OsmaError } from '#shared/platform/errors';

/** The pure parts of the management API's views of the public resources (docs/management-resources.md). */
describe('public objects as JSON:API attributes', () => {
  it('kebab-cases keys all the way down through objects and lists of objects, never inside records', () => {
    const schema = z.object({
      disabled_reason: z.string().nullable(),
      attempts: z.array(z.object({ status_code: z.number() })),
      metadata: z.record(z.string(), z.string()),
    });
    const value = { disabled_reason: null, attempts: [{ status_code: 200 }], metadata: { snake_key: 'kept' } };

    const renamed = kebabValue(schema, value);

    expect(renamed).toEqual({ 'disabled-reason': null, attempts: [{ 'status-code': 200 }], metadata: { snake_key: 'kept' } });
    expect(kebabSchema(schema).safeParse(renamed).success).toBe(true);
    expect(Object.keys((kebabSchema(webhookDelivery) as z.ZodObject).shape)).toContain('next-attempt-at');
  });
});

describe("the public domain's errors in management terms", () => {
  const fail = (error: OsmaError) => () => Promise.reject(error);

  it('points body parameters under the attributes, kebab-cased, keeping the consumer keys after the first', async () => {
    const error = errors.invalidParams([
      { param: 'disabled_reason', message: 'disabled_reason is wrong' },
      { param: 'metadata.some_key', message: 'metadata.some_key is too long' },
    ]);

    const thrown = await inRequestTerms({ body: 'data.attributes' }, fail(error)).catch((caught: OsmaError) => caught);

    expect(thrown.status).toBe(400);
    expect(thrown.params).toEqual([
      { param: 'data.attributes.disabled-reason', message: 'disabled-reason is wrong', in: 'body' },
      { param: 'data.attributes.metadata.some_key', message: 'metadata.some_key is too long', in: 'body' },
    ]);
  });

  it('names query parameters as the management API takes them, and leaves placed or parameterless errors alone', async () => {
    const cursor = errors.invalidParams([{ param: 'starting_after', message: 'starting_after must be the id of a event' }]);
    const placed = errors.invalidParams([{ param: 'data.id', message: 'no', in: 'body' }]);
    const missing = errors.notFound('event', 'evt_x');

    const [a, b, c] = await Promise.all(
      [cursor, placed, missing].map((error) => inRequestTerms({ body: '', query: CURSOR_PARAMS }, fail(error)).catch((caught: OsmaError) => caught)),
    );

    expect(a!.params).toEqual([{ param: 'page[after]', message: 'page[after] must be the id of a event', in: 'query' }]);
    expect(b).toBe(placed);
    expect(c).toBe(missing);
  });
});

describe('cursor pages', () => {
  const query = { 'filter[mode]': 'test', 'page[limit]': 2 };
  const resource = (object: { id: string }) => ({ type: 'things', id: object.id });

  it('links the next page when more follow, and the previous when the page did not start at the newest', () => {
    const first = listAnswer({ has_next: true, data: [{ id: 'b' }, { id: 'a' }] }, query, '/v1/things/', resource);
    const middle = listAnswer({ has_next: false, data: [{ id: 'z' }] }, { ...query, 'page[after]': 'a' }, '/v1/things/', resource);
    const backwards = listAnswer({ has_next: false, data: [{ id: 'd' }] }, { ...query, 'page[before]': 'c' }, '/v1/things/', resource);

    expect(first.links).toEqual({ next: '/v1/things/?filter%5Bmode%5D=test&page%5Blimit%5D=2&page%5Bafter%5D=a' });
    expect(middle.links).toEqual({ prev: '/v1/things/?filter%5Bmode%5D=test&page%5Blimit%5D=2&page%5Bbefore%5D=z' });
    expect(backwards.links).toEqual({ next: '/v1/things/?filter%5Bmode%5D=test&page%5Blimit%5D=2&page%5Bafter%5D=d' });
  });
});
