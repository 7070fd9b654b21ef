import { apiHandler } from '#shared/http';
import { openApiDocument } from '#shared/openapi';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getOpenApiJson, async () => openApiDocument());
