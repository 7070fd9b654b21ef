import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { changeTemplate } from '#shared/identity/task-templates/manage';
import { taskTemplateRoutes } from '#shared/identity/task-templates/routes';

export const handler = identityHandler(taskTemplateRoutes.updateOrganizationTaskTemplate, (request) =>
  changeTemplate(callerOf(request), request.query['filter[mode]'], request.params.id, request.body.data),
);
