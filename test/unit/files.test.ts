import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { S3GateError, verifyPresignedRequest } from '#local/s3-gate';
import { objectKey, objectKeyPatterns } from '#shared/api/files/keys';
import { fileReferences } from '#shared/api/tasks/file-references';
import { FILE_SETTINGS_DEFAULTS, fileSettings } from '#shared/api/files/settings';
import { contentDisposition, isMissingObject } from '#shared/api/files/storage';

// Lambda runs Node 22; the SDK's notice about this machine's Node 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ENDPOINT = 'http://127.0.0.1:4599';
const client = new S3Client({
  region: 'us-east-1',
  endpoint: ENDPOINT,
  forcePathStyle: true,
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

/** What the gate sees of a request to a presigned URL: its method, raw path and query, headers. */
function requestTo(url: string, method: string, headers: Record<string, string> = {}) {
  const parsed = new URL(url);
  return {
    method,
    rawUrl: `${parsed.pathname}${parsed.search}`,
    headers: { host: parsed.host, ...headers },
    credentials,
    now: Date.now(),
  };
}

const gateError = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof S3GateError) return error.code;
    throw error;
  }
};

describe('file settings', () => {
  it('has defaults and reads each setting from the environment', () => {
    expect(fileSettings({})).toEqual(FILE_SETTINGS_DEFAULTS);
    expect(FILE_SETTINGS_DEFAULTS).toEqual({
      allowedTypes: ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv'],
      maxBytes: 26_214_400,
      uploadExpiresSeconds: 900,
      downloadExpiresSeconds: 300,
    });
    expect(
      fileSettings({
        OSMA_FILES_ALLOWED_TYPES: 'application/pdf, image/heic ,application/pdf',
        OSMA_FILES_MAX_BYTES: '1000',
        OSMA_FILES_UPLOAD_EXPIRES_SECONDS: '60',
        OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS: '30',
      }),
    ).toEqual({ allowedTypes: ['application/pdf', 'image/heic'], maxBytes: 1000, uploadExpiresSeconds: 60, downloadExpiresSeconds: 30 });
  });

  it('refuses settings that cannot work rather than guessing', () => {
    expect(() => fileSettings({ OSMA_FILES_MAX_BYTES: '25MB' })).toThrow(/OSMA_FILES_MAX_BYTES/);
    expect(() => fileSettings({ OSMA_FILES_MAX_BYTES: '0' })).toThrow(/OSMA_FILES_MAX_BYTES/);
    expect(() => fileSettings({ OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS: String(7 * 24 * 3600 + 1) })).toThrow(/7|604800/);
    expect(() => fileSettings({ OSMA_FILES_ALLOWED_TYPES: 'pdf' })).toThrow(/OSMA_FILES_ALLOWED_TYPES/);
    expect(() => fileSettings({ OSMA_FILES_ALLOWED_TYPES: 'Application/PDF' })).toThrow(/lowercase/);
  });
});

describe('file keys', () => {
  it('builds object keys from organization, mode and id only, inside the IAM patterns', () => {
    const key = objectKey({ organizationId: 'org_3MTdKSbVzuJA5HUMLnYZm10NIPy', mode: 'live' }, 'file_3MTdLDJn3JHRMllylbiTSDudD2E');

    expect(key).toBe('files/org_3MTdKSbVzuJA5HUMLnYZm10NIPy/live/file_3MTdLDJn3JHRMllylbiTSDudD2E');
    const matches = objectKeyPatterns().map((pattern) =>
      new RegExp(`^${pattern.replaceAll('*', '[^/]*')}$`).test(key),
    );
    expect(matches).toEqual([false, true]);
  });
});

describe('file references in task data', () => {
  it('finds every string shaped like a file id, named by its path', () => {
    const a = 'file_3MTdLDJn3JHRMllylbiTSDudD2E';
    const b = 'file_3MTdM5vP3ECFomGio9qZJ2gHAwz';

    const references = fileReferences({
      scan: a,
      pages: [b, { back: a }, 'file_short', 42, null],
      nested: { deeper: { id: b, label: `see ${a}` } },
      [a]: 'keys are not references',
    });

    expect(references).toEqual([
      { path: 'data.scan', id: a },
      { path: 'data.pages.0', id: b },
      { path: 'data.pages.1.back', id: a },
      { path: 'data.nested.deeper.id', id: b },
    ]);
  });
});

describe('downloads', () => {
  it('writes Content-Disposition with an ASCII fallback and the exact name', () => {
    expect(contentDisposition('scan.pdf')).toBe(`attachment; filename="scan.pdf"; filename*=UTF-8''scan.pdf`);
    expect(contentDisposition(`Rapport d'été (v2) "final" 100%.pdf`)).toBe(
      `attachment; filename="Rapport d'_t_ (v2) _final_ 100_.pdf"; ` +
        `filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9%20%28v2%29%20%22final%22%20100%25.pdf`,
    );
  });

  it('counts 404 and, without s3:ListBucket, 403 from HeadObject as a missing object, and nothing else', () => {
    expect(isMissingObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } })).toBe(true);
    expect(isMissingObject({ name: 'Forbidden', $metadata: { httpStatusCode: 403 } })).toBe(true);
    expect(isMissingObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe(false);
    expect(isMissingObject(new Error('socket hang up'))).toBe(false);
  });
});

describe('the local S3 gate checks presigned URLs as S3 does', () => {
  it('passes the request the URL was signed for, and refuses another content type, length, key or key id', async () => {
    // Prepare
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: 'osma-files-local', Key: 'files/org_a/test/file_b', ContentType: 'application/pdf', ContentLength: 12 }),
      { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    const signed = { 'content-type': 'application/pdf', 'content-length': '12' };

    // Act
    const results = {
      signed: gateError(() => verifyPresignedRequest(requestTo(url, 'PUT', signed))),
      otherType: gateError(() => verifyPresignedRequest(requestTo(url, 'PUT', { ...signed, 'content-type': 'text/html' }))),
      otherLength: gateError(() => verifyPresignedRequest(requestTo(url, 'PUT', { ...signed, 'content-length': '13' }))),
      noType: gateError(() => verifyPresignedRequest(requestTo(url, 'PUT', { 'content-length': '12' }))),
      otherMethod: gateError(() => verifyPresignedRequest(requestTo(url, 'GET', signed))),
      otherKey: gateError(() =>
        verifyPresignedRequest(requestTo(url.replace('file_b', 'file_c'), 'PUT', signed)),
      ),
      otherKeyId: gateError(() =>
        verifyPresignedRequest({ ...requestTo(url, 'PUT', signed), credentials: { ...credentials, accessKeyId: 'someone' } }),
      ),
    };

    // Assess
    expect(results).toEqual({
      signed: undefined,
      otherType: 'SignatureDoesNotMatch',
      otherLength: 'SignatureDoesNotMatch',
      noType: 'SignatureDoesNotMatch',
      otherMethod: 'SignatureDoesNotMatch',
      otherKey: 'SignatureDoesNotMatch',
      otherKeyId: 'InvalidAccessKeyId',
    });
  });

  it('refuses a URL after its expiry, and one whose response parameters were changed', async () => {
    // Prepare
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: 'osma-files-local',
        Key: 'files/org_a/test/file_b',
        ResponseContentDisposition: contentDisposition(`Rapport d'été (v2).pdf`),
        ResponseContentType: 'application/pdf',
      }),
      { expiresIn: 300 },
    );
    const request = requestTo(url, 'GET');

    // Act
    const now = gateError(() => verifyPresignedRequest(request));
    const justBefore = gateError(() => verifyPresignedRequest({ ...request, now: Date.now() + 299_000 }));
    const after = gateError(() => verifyPresignedRequest({ ...request, now: Date.now() + 301_000 }));
    const changed = gateError(() =>
      verifyPresignedRequest(requestTo(url.replace('response-content-type=application%2Fpdf', 'response-content-type=text%2Fhtml'), 'GET')),
    );

    // Assess
    expect([now, justBefore, after, changed]).toEqual([undefined, undefined, 'AccessDenied', 'SignatureDoesNotMatch']);
  });
});
