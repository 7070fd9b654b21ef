import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { guaranteesOf } from '#shared/api/guarantees';
import { routeList } from '#shared/api/routes';
import { LATEST_VERSION } from '#shared/api/versions';
import { call } from '#test/support/api';

type Operation = {
  operationId: string;
  security: Record<string, string[]>[];
  parameters?: ({ $ref: string } | { in: string; name: string })[];
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref?: string } }> }>;
};

const getDocument = async () => (await call('GET', '/spec/openapi.json', { key: null })).body;

describe('OpenAPI documents', () => {
  it('serves the document as JSON and as YAML, without an API key', async () => {
    const json = await call('GET', '/spec/openapi.json', { key: null });
    const yaml = await call('GET', '/spec/openapi.yaml', { key: null });

    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.body.openapi).toBe('3.1.0');
    expect(json.body.info.version).toBe(LATEST_VERSION);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(parse(yaml.text)).toEqual(json.body);
    // YAML 1.1 parsers (PyYAML and others) read dates and yes/no unless they are quoted.
    expect(parse(yaml.text, { version: '1.1' })).toEqual(json.body);
    expect(yaml.headers.get('request-id')).toBeTruthy();
  });

  it('is a valid OpenAPI 3.1 document to a real OpenAPI validator, in both forms', async () => {
    const json = await getDocument();
    const yaml = (await call('GET', '/spec/openapi.yaml', { key: null })).text;

    const fromJson = await new Validator().validate(json);
    const fromYaml = await new Validator().validate(yaml);

    expect(fromJson.errors).toBeUndefined();
    expect(fromJson.valid).toBe(true);
    expect(fromYaml.valid).toBe(true);
  });

  it('describes every route of the route table with its parameters, body, answers and errors', async () => {
    const document = await getDocument();

    for (const route of routeList) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as Operation | undefined;
      const { rateLimited, idempotent } = guaranteesOf(route);
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation!.operationId).toBe(route.operationId);
      expect(operation!.security).toEqual(route.auth === 'apiKey' ? [{ 'osma-api-key': [] }] : []);
      const parameterRefs = (operation!.parameters ?? []).map((parameter) => ('$ref' in parameter ? parameter.$ref : parameter.name));
      expect(parameterRefs).toContain('#/components/parameters/OsmaApiVersion');
      expect(parameterRefs.includes('#/components/parameters/IdempotencyKey')).toBe(idempotent);
      for (const name of Object.keys(route.request.path?.shape ?? {})) expect(parameterRefs).toContain(name);
      for (const name of Object.keys(route.request.query?.shape ?? {})) expect(parameterRefs).toContain(name);
      expect(Boolean(document.paths[route.path][route.method.toLowerCase()].requestBody)).toBe(Boolean(route.request.body));

      const statuses = Object.keys(operation!.responses);
      expect(statuses).toContain(String(route.success.status));
      expect(statuses).toContain('400');
      expect(statuses).toContain('500');
      for (const status of route.errors ?? []) expect(statuses).toContain(String(status));
      expect(statuses.includes('401')).toBe(route.auth === 'apiKey');
      expect(statuses.includes('429')).toBe(rateLimited);
      if (rateLimited) {
        expect(operation!.responses['429']!.content!['application/json']!.schema.$ref).toBe('#/components/schemas/RateLimitError');
        expect(Object.keys(operation!.responses['429']!.headers!)).toEqual(
          expect.arrayContaining(['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']),
        );
      }
      for (const [status, response] of Object.entries(operation!.responses)) {
        expect(Object.keys(response.headers ?? {}), `${route.operationId} ${status}`).toContain('request-id');
        if (Number(status) >= 400 && status !== '429') {
          expect(response.content!['application/json']!.schema.$ref).toBe('#/components/schemas/Error');
        }
      }
    }
    expect(Object.values(document.paths).flatMap((item) => Object.keys(item as object))).toHaveLength(routeList.length);
  });

  it('declares the osma-api-key security scheme and the headers of the API', async () => {
    const document = await getDocument();

    expect(document.components.securitySchemes['osma-api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'osma-api-key' });
    expect(document.components.parameters.OsmaApiVersion).toMatchObject({ in: 'header', name: 'osma-api-version' });
    expect(document.components.parameters.IdempotencyKey).toMatchObject({
      in: 'header',
      name: 'idempotency-key',
      schema: { maxLength: 255 },
    });
    expect(Object.keys(document.components.headers)).toEqual(
      expect.arrayContaining(['RequestId', 'OsmaApiVersion', 'RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset', 'RetryAfter', 'IdempotentReplayed']),
    );
    expect(document.components.schemas.RateLimitError.required).toEqual(['type', 'message', 'status_code']);
  });
});
