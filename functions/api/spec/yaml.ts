import { apiHandler, TextBody } from '#shared/http/handler';
import { openApiYaml } from '#shared/http/openapi';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getOpenApiYaml, async () => new TextBody(openApiYaml(), 'application/yaml'));
