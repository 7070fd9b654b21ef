import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bareDb, json, notFound, type Scenario } from '#bench/scenarios/bare';
import { tableName } from '#shared/platform/config';
import { createFile, getFileDownload } from '#shared/api/files/file';
import { fileKeys, objectKey } from '#shared/api/files/keys';
import { filesBucket } from '#shared/api/files/settings';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * Files: the bytes never pass through the API, so a call is one table operation, and for a
 * GET one HeadObject, plus presigning a URL (local work: no request). The bare handlers make
 * the same calls with an S3 client of their own.
 */
let bareS3Client: S3Client | undefined;

function bareS3(): S3Client {
  bareS3Client ??= new S3Client({
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return bareS3Client;
}

const CONTENT = Buffer.from('%PDF-1.4\n% Osma bench\n');

const fileBody = () => ({ filename: 'blood-pressure.pdf', content_type: 'application/pdf', size: CONTENT.length });

export const fileScenarios: Record<string, Scenario> = {
  createFile: {
    kind: 'create',
    async prepare(org) {
      return {
        kind: 'create',
        request: () => ({ body: fileBody() }),
        async bare(request) {
          const input = request.body as ReturnType<typeof fileBody>;
          const id = newId('file');
          const key = objectKey(org.scope, id);
          const uploadUrl = await getSignedUrl(
            bareS3(),
            new PutObjectCommand({ Bucket: filesBucket(), Key: key, ContentType: input.content_type, ContentLength: input.size }),
            { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) },
          );
          const file = { id, ...input, task: null, status: 'pending', live_mode: false, created_at: timestamp() };
          await bareDb().send(
            new PutCommand({
              TableName: tableName(),
              Item: { ...fileKeys.key(org.scope, id), entity: 'file', object_key: key, ...file },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return json(201, { ...file, upload_url: uploadUrl, expiration: 900 });
        },
      };
    },
  },

  getFile: {
    kind: 'getOne',
    async prepare(org) {
      // An uploaded file, already seen by one GET: the steady case, which writes nothing.
      const file = await createFile(org.scope, fileBody());
      await bareS3().send(
        new PutObjectCommand({ Bucket: filesBucket(), Key: objectKey(org.scope, file.id), Body: CONTENT, ContentType: file.content_type }),
      );
      await getFileDownload(org.scope, file.id);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: file.id } }),
        async bare(request) {
          const id = request.pathParameters!.id!;
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: fileKeys.key(org.scope, id), ConsistentRead: true }));
          if (!Item) return notFound();
          await bareS3().send(new HeadObjectCommand({ Bucket: filesBucket(), Key: Item.object_key }));
          const url = await getSignedUrl(
            bareS3(),
            new GetObjectCommand({ Bucket: filesBucket(), Key: Item.object_key, ResponseContentType: Item.content_type }),
            { expiresIn: 300 },
          );
          return json(200, { id, url, expiration: 300 });
        },
      };
    },
  },
};
