import { getFileDownload } from '#shared/api/files/file';
import { apiHandler } from '#shared/api/surface';
import { fileRoutes } from '#shared/api/files/routes';

export const handler = apiHandler(fileRoutes.getFile, ({ scope, params }) => getFileDownload(scope, params.id));
