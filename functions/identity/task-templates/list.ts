import { identityHandler } from '#shared/identity/surface';
import { taskTemplateList } from '#shared/identity/task-templates/manage';
import { taskTemplateRoutes } from '#shared/identity/task-templates/routes';

export const handler = identityHandler(taskTemplateRoutes.listOrganizationTaskTemplates, ({ principal, query }) => taskTemplateList(principal, query));
