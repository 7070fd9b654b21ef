import { apiHandler, TextBody } from '#shared/http';
import { openApiJson } from '#shared/openapi';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getOpenApiJson, async () => new TextBody(openApiJson(), 'application/json'));
