import { managementDocument } from '#shared/identity/spec/document';
import { identitySpecRoutes } from '#shared/identity/spec/routes';
import { identityHandler } from '#shared/identity/surface';
import { TextBody } from '#shared/http/handler';

export const handler = identityHandler(identitySpecRoutes.getManagementOpenApiJson, async () => new TextBody(managementDocument.json(), 'application/json'));
