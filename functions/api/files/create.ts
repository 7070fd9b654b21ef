import { createFile } from '#shared/api/files/file';
import { apiHandler } from '#shared/api/surface';
import { fileRoutes } from '#shared/api/files/routes';

export const handler = apiHandler(fileRoutes.createFile, ({ scope, body }) => createFile(scope, body));
