import * as z from 'zod';
import { routeTable } from '#shared/http/route';

const openApiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ id: 'ManagementOpenApiDocument', description: 'An OpenAPI 3.1 document.' });

export const identitySpecRoutes = routeTable(
  { functions: 'identity/spec', tag: 'OpenAPI Specifications', auth: 'none' },
  {
    getManagementOpenApiJson: {
      method: 'GET',
      path: '/v1/spec/openapi.json',
      handler: 'json',
      tableAccess: 'none',
      summary: 'The management API described in OpenAPI 3.1, as JSON',
      request: {},
      success: { status: 200, description: 'This API described in OpenAPI 3.1.', schema: openApiDocument },
    },
    getManagementOpenApiYaml: {
      method: 'GET',
      path: '/v1/spec/openapi.yaml',
      handler: 'yaml',
      tableAccess: 'none',
      summary: 'The management API described in OpenAPI 3.1, as YAML',
      request: {},
      success: {
        status: 200,
        description: 'This API described in OpenAPI 3.1.',
        schema: z.string().meta({ description: 'An OpenAPI 3.1 document in YAML.' }),
        contentType: 'application/yaml',
      },
    },
  },
);
