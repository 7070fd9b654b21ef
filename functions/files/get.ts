import { getFileDownload } from '#shared/files/file';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getFile, ({ scope, params }) => getFileDownload(scope, params.id));
