import { HeadObjectCommand, S3Client, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { filesBucket } from '#shared/api/files/settings';
import { optionalSetting } from '#shared/platform/config';

/**
 * The S3 client of the file functions, made on first use. AWS_ENDPOINT_URL_S3 is set only by
 * the local stack; there the bucket goes in the path (`http://127.0.0.1:port/bucket/key`) so
 * that presigned URLs work with plain curl on loopback. In AWS, URLs are virtual-hosted.
 *
 * Checksums only when S3 requires them: otherwise the SDK would sign a CRC32 of the empty
 * body into every presigned PUT URL, and S3 would refuse the real upload.
 */
let client: S3Client | undefined;

export function s3(): S3Client {
  client ??= new S3Client({
    forcePathStyle: optionalSetting('AWS_ENDPOINT_URL_S3') !== undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return client;
}

/** The object's size and type, or undefined when there is no object at that key. */
export async function headObject(key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3().send(new HeadObjectCommand({ Bucket: filesBucket(), Key: key }));
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/**
 * 404 is a missing object. So is 403 here: the file functions may read exactly the key scheme
 * and have no s3:ListBucket (which would let them list every organization's keys), and without
 * it S3 answers a HEAD of a missing key with 403 rather than 404.
 */
export function isMissingObject(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const name = (error as Error | undefined)?.name;
  return status === 404 || status === 403 || name === 'NotFound' || name === 'NoSuchKey';
}

/**
 * Content-Disposition for a download under the file's own name, whatever characters it has:
 * an ASCII fallback for old clients and the exact name in RFC 6266 / RFC 5987 `filename*`.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
