import { createFileBody, createdFile, fileDownload } from '#shared/api/files/schemas';
import { idPath } from '#shared/api/schemas';
import { routeTable } from '#shared/http/route';

export const fileRoutes = routeTable(
  { functions: 'api/files', tag: 'Files', auth: 'apiKey' },
  {
    createFile: {
      method: 'POST',
      path: '/files',
      handler: 'create',
      fileAccess: 'upload',
      summary: 'Create a file and a presigned URL to upload its content (extension)',
      request: { body: createFileBody },
      success: { status: 201, description: 'The new file, pending, with its upload_url.', schema: createdFile },
    },
    getFile: {
      method: 'GET',
      path: '/files/{id}',
      handler: 'get',
      // Writes once: the first GET that finds the content marks the file uploaded.
      tableAccess: 'readWrite',
      fileAccess: 'download',
      summary: 'Get one file: a presigned, expiring URL to download it',
      request: { path: idPath },
      success: { status: 200, description: 'The download URL and its expiration in seconds.', schema: fileDownload },
      errors: [404],
    },
  },
);
