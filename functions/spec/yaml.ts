import { apiHandler, TextBody } from '#shared/http';
import { openApiYaml } from '#shared/openapi';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getOpenApiYaml, async () => new TextBody(openApiYaml(), 'application/yaml'));
