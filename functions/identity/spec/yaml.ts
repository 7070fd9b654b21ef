import { managementDocument } from '#shared/identity/spec/document';
import { identitySpecRoutes } from '#shared/identity/spec/routes';
import { identityHandler } from '#shared/identity/surface';
import { TextBody } from '#shared/http/handler';

export const handler = identityHandler(identitySpecRoutes.getManagementOpenApiYaml, async () => new TextBody(managementDocument.yaml(), 'application/yaml'));
