import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { tableName } from '#shared/platform/config';
import { cancelledItem, db, failedConditions, isConditionFailure } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { fileKeys, objectKey } from '#shared/api/files/keys';
import type { CreatedFile, CreateFileInput, File, FileDownload, FileStatus } from '#shared/api/files/schemas';
import { fileSettings, filesBucket } from '#shared/api/files/settings';
import { contentDisposition, headObject, s3 } from '#shared/api/files/storage';
import { isId, newId } from '#shared/platform/ids';
import { logger } from '#shared/platform/logger';
import type { Scope } from '#shared/platform/table';
import { taskKeys } from '#shared/api/tasks/keys';
import { timestamp } from '#shared/platform/time';

/**
 * Files. One item per file in the partition of its organization and mode, sorted by id; the
 * bytes live in the private bucket under `files/<organization>/<mode>/<file id>` and never
 * pass through Lambda: POST /files hands out a presigned PUT URL, GET /files/{id} a presigned
 * GET URL, each signed for exactly that key.
 *
 * The item says `pending` until a GET finds the object (one HeadObject per GET, so that no
 * answer is ever a link to nothing), then `uploaded`, with the real size.
 */
interface FileItem extends File {
  pk: string;
  sk: string;
  entity: 'file';
  object_key: string;
  uploaded_at?: string;
}

export function fromItem(item: object): File {
  const f = item as FileItem;
  return {
    id: f.id,
    filename: f.filename,
    content_type: f.content_type,
    size: f.size,
    task: f.task,
    status: f.status,
    live_mode: f.live_mode,
    created_at: f.created_at,
  };
}

export async function createFile(scope: Scope, input: CreateFileInput): Promise<CreatedFile> {
  // The body schema has checked content_type and size against the settings.
  const settings = fileSettings();
  const task = input.task ?? null;
  if (task !== null && !isId('task', task)) throw taskNotFound(scope, task);

  const id = newId('file');
  const key = objectKey(scope, id);
  const size = input.size ?? null;
  // The content type is signed, and the length when declared: S3 refuses an upload that differs.
  const uploadUrl = await getSignedUrl(
    s3(),
    new PutObjectCommand({
      Bucket: filesBucket(),
      Key: key,
      ContentType: input.content_type,
      ...(size !== null && { ContentLength: size }),
    }),
    {
      expiresIn: settings.uploadExpiresSeconds,
      signableHeaders: new Set(size !== null ? ['content-type', 'content-length'] : ['content-type']),
    },
  );
  const item: FileItem = {
    ...fileKeys.key(scope, id),
    entity: 'file',
    id,
    filename: input.filename,
    content_type: input.content_type,
    size,
    task,
    status: 'pending',
    live_mode: scope.mode === 'live',
    created_at: timestamp(),
    object_key: key,
  };
  await writeItem(scope, item);
  return { ...fromItem(item), upload_url: uploadUrl, expiration: settings.uploadExpiresSeconds };
}

/** The spec's answer: the id, a presigned GET URL, and how many seconds it works. */
export async function getFileDownload(scope: Scope, id: string): Promise<FileDownload> {
  const item = await readItem(scope, id);
  const settings = fileSettings();
  const object = await headObject(item.object_key);
  if (!object) {
    logger.info('file content not found', { file_id: id, status: item.status });
    throw errors.invalidStatus(
      item.status === 'pending'
        ? `File ${id} has not been uploaded yet. PUT its content to the upload_url that POST /files returned.`
        : `File ${id} has no content in storage any more. Create the file again and upload it.`,
    );
  }
  const size = object.ContentLength ?? 0;
  // Only an upload without a declared size can be larger: its URL could not sign a length.
  if (size > settings.maxBytes) {
    throw errors.invalidStatus(
      `File ${id} holds ${size} bytes, more than the maximum of ${settings.maxBytes}, and cannot be downloaded. ` +
        'Create a new file with its size declared.',
    );
  }
  if (item.status === 'pending') await markUploaded(scope, id, size);
  const url = await getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: filesBucket(),
      Key: item.object_key,
      ResponseContentType: item.content_type,
      ResponseContentDisposition: contentDisposition(item.filename),
    }),
    { expiresIn: settings.downloadExpiresSeconds },
  );
  return { id, url, expiration: settings.downloadExpiresSeconds };
}

async function readItem(scope: Scope, id: string): Promise<FileItem> {
  if (!isId('file', id)) throw errors.notFound('file', id);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: fileKeys.key(scope, id), ConsistentRead: true }));
  if (!Item) throw errors.notFound('file', id);
  return Item as FileItem;
}

/** Once, by whichever GET first sees the object; a lost race means another call did it. */
async function markUploaded(scope: Scope, id: string, size: number): Promise<void> {
  const uploaded: FileStatus = 'uploaded';
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: fileKeys.key(scope, id),
        UpdateExpression: 'SET #status = :uploaded, #size = :size, uploaded_at = :now',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status', '#size': 'size' },
        ExpressionAttributeValues: { ':uploaded': uploaded, ':pending': 'pending', ':size': size, ':now': timestamp() },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * A file may name a task of its own organization and mode that is not deleted. That is a
 * condition check in the same transaction as the file, not a read before it.
 */
async function writeItem(scope: Scope, item: FileItem): Promise<void> {
  const put = { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
  if (item.task === null) {
    await db().send(new PutCommand(put));
    return;
  }
  const task = item.task;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: put },
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: taskKeys.key(scope, task),
              ConditionExpression: 'attribute_exists(pk) AND #status <> :deleted',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':deleted': 'deleted' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!failedConditions(error)?.includes(1)) throw error;
    // The task's old image comes back only when it exists: then it is deleted.
    const exists = Boolean(cancelledItem(error, 1));
    if (exists) throw errors.invalidStatus(`Task ${task} is deleted; files cannot name it.`);
    throw taskNotFound(scope, task);
  }
}

const taskNotFound = (scope: Scope, task: string) =>
  errors.referenceNotFound('resource_not_found', 'task', `No task with the id '${task}' exists in ${scope.mode} mode.`);
