import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildPublicDocument } from '#shared/api/spec/document';
import { routeList } from '#shared/api/routes';
import type { RouteDefinition } from '#shared/http/route';
import { LATEST_VERSION } from '#shared/api/versions';
import { conformanceChecker } from '#test/support/conformance';

const document = JSON.parse(JSON.stringify(buildPublicDocument()));
const check = conformanceChecker(document);

const member = {
  id: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10',
  created_at: '2022-05-02T12:20:13.080000+00:00',
  updated_at: '2022-05-02T12:20:13.080000+00:00',
  name: 'Daisy Demo',
  email: 'daisy@osma.com',
  status: 'active',
  status_transitions: [],
  date_of_birth: '1993-09-16',
  biological_sex: 'female',
  gender_identity: null,
  live_mode: false,
  metadata: {},
};

const headers = (extra: Record<string, string> = {}) =>
  new Headers({
    'content-type': 'application/json',
    'request-id': 'req-1',
    'osma-api-version': LATEST_VERSION,
    'ratelimit-limit': '20',
    'ratelimit-remaining': '19',
    'ratelimit-reset': '1',
    ...extra,
  });

const answer = (status: number, body: unknown, extra: Record<string, string> = {}, method = 'GET', path = `/members/${member.id}`) => ({
  method,
  path,
  status,
  headers: headers(extra),
  body,
  text: JSON.stringify(body),
});

describe('the check of answers against the OpenAPI document', () => {
  it('passes an answer the document describes', () => {
    expect(check(answer(200, member))).toEqual([]);
    expect(check(answer(201, member, {}, 'POST', '/members'))).toEqual([]);
    expect(check(answer(404, { type: 'invalid_request_error', code: 'resource_not_found', message: 'No such member' }))).toEqual([]);
    expect(
      check(answer(429, { type: 'rate_limit_error', message: 'Rate limit exceeded', status_code: 429 }, { 'retry-after': '1' })),
    ).toEqual([]);
  });

  it('catches a body that differs from the schema: a missing field, an extra field, a wrong type', () => {
    const { status: _status, ...withoutStatus } = member;

    expect(check(answer(200, withoutStatus)).join()).toContain("must have required property 'status'");
    expect(check(answer(200, { ...member, active: true })).join()).toContain('must NOT have additional properties');
    expect(check(answer(200, { ...member, live_mode: 'no' })).join()).toContain('must be boolean');
    expect(check(answer(400, { type: 'oops', message: 'x' })).join()).toContain('must be equal to one of the allowed values');
  });

  it('catches an undocumented status, a missing required header and an undocumented content type', () => {
    expect(check(answer(418, member))).toEqual([`GET /members/{id} 418: status 418 is not documented`]);
    const noRequestId = answer(200, member);
    noRequestId.headers.delete('request-id');
    expect(check(noRequestId).join()).toContain('required header request-id is missing');
    expect(check(answer(200, member, { 'content-type': 'text/html' })).join()).toContain('content-type text/html is not documented');
    expect(check(answer(429, { type: 'rate_limit_error', message: 'Rate limit exceeded', status_code: 429 })).join()).toContain(
      'required header retry-after is missing',
    );
  });

  it("checks a success served at an older version by status and headers only, since the document is the newest version's", () => {
    const old = { ...member, active: true };

    expect(check(answer(200, old, { 'osma-api-version': '2022-05-02' }))).toEqual([]);
    expect(check(answer(200, old))).not.toEqual([]);
  });

  it('holds answers API Gateway gives for unknown routes to the error schema', () => {
    expect(check(answer(404, { type: 'invalid_request_error', message: 'Unrecognized request URL.' }, {}, 'GET', '/nope'))).toEqual([]);
    expect(check(answer(404, { message: 'Missing Authentication Token' }, {}, 'GET', '/nope'))).not.toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('grows with the route table: a new route appears with its guarantees and nothing else to edit', () => {
    const route: RouteDefinition = {
      operationId: 'createWidget',
      method: 'POST',
      path: '/widgets',
      handler: 'widgets/create',
      auth: 'apiKey',
      tableAccess: 'readWrite',
      summary: 'Create a widget',
      tags: ['Widgets'],
      request: { body: z.strictObject({ name: z.string() }) },
      success: { status: 201, description: 'The widget.', schema: z.object({ id: z.string() }) },
    };

    const grown = buildPublicDocument([...routeList, route]);
    const operation = grown.paths?.['/widgets']?.post;

    expect(operation?.operationId).toBe('createWidget');
    expect(Object.keys(operation?.responses ?? {})).toEqual(['201', '400', '401', '409', '413', '429', '500']);
    expect(operation?.parameters).toEqual([
      { $ref: '#/components/parameters/OsmaApiVersion' },
      { $ref: '#/components/parameters/IdempotencyKey' },
    ]);
  });
});
