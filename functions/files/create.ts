import { createFile } from '#shared/files/file';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.createFile, ({ scope, body }) => createFile(scope, body));
