import { openApiDocumentBody, openApiYamlBody } from '#shared/api/schemas';
import { routeTable } from '#shared/http/route';

export const specRoutes = routeTable(
  { functions: 'api/spec', tag: 'OpenAPI Specifications', auth: 'apiKey' },
  {
    getOpenApiJson: {
      method: 'GET',
      path: '/spec/openapi.json',
      handler: 'json',
      auth: 'none',
      tableAccess: 'none',
      summary: 'The OpenAPI document, as JSON',
      request: {},
      success: { status: 200, description: 'This API described in OpenAPI 3.1.', schema: openApiDocumentBody },
    },
    getOpenApiYaml: {
      method: 'GET',
      path: '/spec/openapi.yaml',
      handler: 'yaml',
      auth: 'none',
      tableAccess: 'none',
      summary: 'The OpenAPI document, as YAML',
      request: {},
      success: {
        status: 200,
        description: 'This API described in OpenAPI 3.1.',
        schema: openApiYamlBody,
        contentType: 'application/yaml',
      },
    },
  },
);
