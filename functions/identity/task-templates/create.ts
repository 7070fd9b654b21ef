import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { createTemplate } from '#shared/identity/task-templates/manage';
import { taskTemplateRoutes } from '#shared/identity/task-templates/routes';

export const handler = identityHandler(taskTemplateRoutes.createOrganizationTaskTemplate, (request) =>
  createTemplate(callerOf(request), request.body.data.attributes),
);
