import { apiHandler } from '#shared/api/surface';
import { TextBody } from '#shared/http/handler';
import { publicDocument } from '#shared/api/spec/document';
import { specRoutes } from '#shared/api/spec/routes';

export const handler = apiHandler(specRoutes.getOpenApiYaml, async () => new TextBody(publicDocument.yaml(), 'application/yaml'));
