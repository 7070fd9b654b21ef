import { apiHandler, TextBody } from '#shared/http/handler';
import { openApiJson } from '#shared/http/openapi';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getOpenApiJson, async () => new TextBody(openApiJson(), 'application/json'));
