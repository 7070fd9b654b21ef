import { getFileDownload } from '#shared/api/files/file';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getFile, ({ scope, params }) => getFileDownload(scope, params.id));
