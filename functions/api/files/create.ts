import { createFile } from '#shared/api/files/file';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.createFile, ({ scope, body }) => createFile(scope, body));
