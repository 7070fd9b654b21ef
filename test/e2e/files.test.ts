import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_SETTINGS_DEFAULTS } from '#shared/api/files/settings';
import { call, newOrganization, TIMESTAMP } from '#test/support/api';
import { STACK_SETTINGS } from '#test/support/stack-settings';

const FILE_FIELDS = ['id', 'filename', 'content_type', 'size', 'task', 'status', 'live_mode', 'created_at'];
const MAX_BYTES = Number(STACK_SETTINGS.OSMA_FILES_MAX_BYTES);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

let org: Awaited<ReturnType<typeof newOrganization>>;
let other: Awaited<ReturnType<typeof newOrganization>>;

const createFile = (body: Record<string, unknown>, key = org.testKey) => call('POST', '/files', { key, body });
const pdfFile = (body: Record<string, unknown> = {}, key = org.testKey) =>
  createFile({ filename: 'scan.pdf', content_type: 'application/pdf', size: PDF.length, ...body }, key);
const getFile = (id: string, key = org.testKey) => call('GET', `/files/${id}`, { key });
const upload = (url: string, body: Buffer, contentType = 'application/pdf') =>
  fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body });

/** A file with its content in place. */
async function uploadedFile(key = org.testKey, body: Record<string, unknown> = {}): Promise<string> {
  const created = await pdfFile(body, key);
  expect(created.status).toBe(201);
  expect((await upload(created.body.upload_url, PDF)).status).toBe(200);
  return created.body.id;
}

async function newTask(key = org.testKey): Promise<string> {
  const response = await call('POST', '/tasks', { key, body: { template: 'upload_scan' } });
  expect(response.status).toBe(201);
  return response.body.id;
}

beforeAll(async () => {
  [org, other] = await Promise.all([newOrganization(), newOrganization()]);
  for (const key of [org.testKey, org.liveKey, other.testKey]) {
    await call('POST', '/task_templates', { key, body: { reference: 'upload_scan', name: 'Upload a scan' } });
  }
});

describe('upload and download a file', () => {
  it('creates a pending file with a presigned upload URL, takes the bytes there, and hands back a download URL to them', async () => {
    // Prepare
    const filename = 'Blood pressure – März "final".pdf';

    // Act
    const created = await pdfFile({ filename });
    const put = await upload(created.body.upload_url, PDF);
    const got = await getFile(created.body.id);
    const download = await fetch(got.body.url);
    const bytes = Buffer.from(await download.arrayBuffer());

    // Assess
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual([...FILE_FIELDS, 'upload_url', 'expiration']);
    expect(created.body).toMatchObject({
      filename,
      content_type: 'application/pdf',
      size: PDF.length,
      task: null,
      status: 'pending',
      live_mode: false,
      expiration: Number(STACK_SETTINGS.OSMA_FILES_UPLOAD_EXPIRES_SECONDS),
    });
    expect(created.body.id).toMatch(/^file_[0-9A-Za-z]{27}$/);
    expect(created.body.created_at).toMatch(TIMESTAMP);
    // The key is the organization, the mode and the id: nothing the client chose.
    const uploadUrl = new URL(created.body.upload_url);
    expect(uploadUrl.pathname).toBe(`/osma-files-local/files/${org.organizationId}/test/${created.body.id}`);
    expect(uploadUrl.searchParams.get('X-Amz-Expires')).toBe(STACK_SETTINGS.OSMA_FILES_UPLOAD_EXPIRES_SECONDS);
    expect(uploadUrl.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(put.status).toBe(200);

    expect(got.status).toBe(200);
    expect(Object.keys(got.body)).toEqual(['id', 'url', 'expiration']);
    expect(got.body.id).toBe(created.body.id);
    expect(got.body.expiration).toBe(Number(STACK_SETTINGS.OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS));
    expect(got.body.expiration).not.toBe(FILE_SETTINGS_DEFAULTS.downloadExpiresSeconds);
    expect(new URL(got.body.url).searchParams.get('X-Amz-Expires')).toBe(STACK_SETTINGS.OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS);

    expect(download.status).toBe(200);
    expect(bytes.equals(PDF)).toBe(true);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Blood pressure _ M_rz _final_.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );
  });

  it('takes a file of undeclared size, with the content type still signed', async () => {
    // Prepare
    const text = Buffer.from('systolic,diastolic\n120,80\n');

    // Act
    const created = await createFile({ filename: 'readings.csv', content_type: 'text/csv' });
    const put = await upload(created.body.upload_url, text, 'text/csv');
    const got = await getFile(created.body.id);
    const download = await fetch(got.body.url);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.size).toBeNull();
    expect(new URL(created.body.upload_url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(put.status).toBe(200);
    expect(got.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(text)).toBe(true);
  });

  it('answers a file that was never uploaded with invalid_status, not a dead link', async () => {
    // Prepare
    const created = await pdfFile();

    // Act
    const response = await getFile(created.body.id);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_status',
      message: `File ${created.body.id} has not been uploaded yet. PUT its content to the upload_url that POST /files returned.`,
    });
  });

  it('refuses an upload of another content type or another size than the one signed', async () => {
    // Prepare
    const created = await pdfFile();

    // Act
    const otherType = await upload(created.body.upload_url, PDF, 'text/plain');
    const longer = await upload(created.body.upload_url, Buffer.concat([PDF, Buffer.from('more')]));
    const after = await getFile(created.body.id);

    // Assess
    for (const response of [otherType, longer]) {
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    expect(after.body.code).toBe('invalid_status');
  });

  it('refuses to hand out a file bigger than the maximum that was uploaded without a declared size', async () => {
    // Prepare
    const created = await createFile({ filename: 'big.txt', content_type: 'text/plain' });
    expect((await upload(created.body.upload_url, Buffer.alloc(MAX_BYTES + 1, 'a'), 'text/plain')).status).toBe(200);

    // Act
    const response = await getFile(created.body.id);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_status');
    expect(response.body.message).toBe(
      `File ${created.body.id} holds ${MAX_BYTES + 1} bytes, more than the maximum of ${MAX_BYTES}, and cannot be downloaded. ` +
        'Create a new file with its size declared.',
    );
  });
});

describe('file parameters', () => {
  it('requires filename and content_type', async () => {
    const response = await createFile({});

    expect(response.status).toBe(400);
    expect(response.body.code).toBe('parameter_missing');
    expect(response.body.params).toEqual([
      { param: 'filename', message: 'filename is required' },
      { param: 'content_type', message: 'content_type is required' },
    ]);
  });

  it('names every invalid parameter at once: type not allowed, size over the maximum, a path as filename, unknown fields', async () => {
    // Act
    const response = await createFile({
      filename: '../etc/passwd',
      content_type: 'text/html',
      size: MAX_BYTES + 1,
      nickname: 'x',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('invalid_request_error');
    expect(response.body.code).toBeUndefined();
    expect(response.body.params).toEqual(
      expect.arrayContaining([
        { param: 'filename', message: 'filename must be a file name without slashes, backslashes or control characters' },
        { param: 'content_type', message: `content_type must be one of: ${FILE_SETTINGS_DEFAULTS.allowedTypes.join(', ')}` },
        { param: 'size', message: `size must be at most ${MAX_BYTES} bytes` },
        { param: 'nickname', message: 'Received unknown parameter: nickname' },
      ]),
    );
    expect(response.body.params).toHaveLength(4);
  });

  it('takes a size of exactly the maximum, and refuses sizes that are not whole positive numbers', async () => {
    const atMax = await pdfFile({ size: MAX_BYTES });
    const zero = await pdfFile({ size: 0 });
    const fraction = await pdfFile({ size: 1.5 });
    const text = await pdfFile({ size: '10' });

    expect(atMax.status).toBe(201);
    for (const response of [zero, fraction, text]) {
      expect(response.status).toBe(400);
      expect(response.body.params[0].param).toBe('size');
    }
  });

  it('refuses control characters and blank names', async () => {
    const newline = await pdfFile({ filename: 'a\r\nb.pdf' });
    const blank = await pdfFile({ filename: '   ' });

    expect(newline.body.params).toEqual([
      { param: 'filename', message: 'filename must be a file name without slashes, backslashes or control characters' },
    ]);
    expect(blank.body.params).toEqual([{ param: 'filename', message: 'filename must not be blank' }]);
  });
});

describe('files are private to their organization and mode', () => {
  let fileId: string;
  let downloadUrl: string;

  beforeAll(async () => {
    fileId = await uploadedFile();
    downloadUrl = (await getFile(fileId)).body.url;
  });

  it('answers 404 to the live key of the same organization and to another organization', async () => {
    const live = await getFile(fileId, org.liveKey);
    const otherOrg = await getFile(fileId, other.testKey);

    for (const response of [live, otherOrg]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        type: 'invalid_request_error',
        code: 'resource_not_found',
        message: `No such file: '${fileId}'`,
      });
    }
  });

  it('answers 404 to an unknown or malformed id', async () => {
    const unknown = await getFile('file_3MTdLDJn3JHRMllylbiTSDudD2E');
    const malformed = await getFile('mem_3MTdLDJn3JHRMllylbiTSDudD2E');

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
  });

  it('keeps the bucket private: no unsigned read, and a signed URL cannot be bent to another key', async () => {
    // Prepare
    const otherFile = await uploadedFile(other.testKey);
    const url = new URL(downloadUrl);
    const unsigned = `${url.origin}${url.pathname}`;
    const bent = downloadUrl.replace(`${org.organizationId}/test/${fileId}`, `${other.organizationId}/test/${otherFile}`);
    const liveMode = downloadUrl.replace(`/test/${fileId}`, `/live/${fileId}`);

    // Act
    const responses = await Promise.all([unsigned, bent, liveMode].map((target) => fetch(target)));

    // Assess
    expect(bent).not.toBe(downloadUrl);
    expect(responses.map((response) => response.status)).toEqual([403, 403, 403]);
    expect((await fetch(downloadUrl)).status).toBe(200);
  });

  it('puts a live file under the live prefix and marks it live', async () => {
    const created = await pdfFile({}, org.liveKey);

    expect(created.body.live_mode).toBe(true);
    expect(new URL(created.body.upload_url).pathname).toBe(`/osma-files-local/files/${org.organizationId}/live/${created.body.id}`);
  });
});

describe('files and tasks', () => {
  it('records the task a file is for, when it is a task of the same mode', async () => {
    // Prepare
    const task = await newTask();
    const liveTask = await newTask(org.liveKey);
    const otherOrgTask = await newTask(other.testKey);

    // Act
    const own = await pdfFile({ task });
    const otherMode = await pdfFile({ task: liveTask });
    const otherOrg = await pdfFile({ task: otherOrgTask });
    const notATask = await pdfFile({ task: 'mem_3MTdLDJn3JHRMllylbiTSDudD2E' });

    // Assess
    expect(own.status).toBe(201);
    expect(own.body.task).toBe(task);
    for (const [response, id] of [
      [otherMode, liveTask],
      [otherOrg, otherOrgTask],
      [notATask, 'mem_3MTdLDJn3JHRMllylbiTSDudD2E'],
    ] as const) {
      const message = `No task with the id '${id}' exists in test mode.`;
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        type: 'invalid_request_error',
        code: 'resource_not_found',
        message,
        params: [{ param: 'task', message }],
      });
    }
  });

  it('refuses a deleted task', async () => {
    const task = await newTask();
    await call('DELETE', `/tasks/${task}`, { key: org.testKey });

    const response = await pdfFile({ task });

    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_status');
  });

  it('lets task data reference the files of its organization and mode, anywhere in the data', async () => {
    // Prepare
    const task = await newTask();
    const [scan, page] = await Promise.all([uploadedFile(), pdfFile().then((response) => response.body.id as string)]);
    const data = { scan, pages: [{ file: page }, 'file_shaped_but_short'], note: 'see scan' };

    // Act
    const response = await call('POST', `/tasks/${task}`, { key: org.testKey, body: { data } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual(data);
  });

  it('refuses task data that references a file of another mode or organization, naming each path', async () => {
    // Prepare
    const task = await newTask();
    const own = await uploadedFile();
    const live = await uploadedFile(org.liveKey);
    const otherOrg = await uploadedFile(other.testKey);
    const unknown = 'file_3MTdLDJn3JHRMllylbiTSDudD2E';

    // Act
    const response = await call('POST', `/tasks/${task}`, {
      key: org.testKey,
      body: { data: { scan: live, own, attachments: [own, { back: otherOrg }], again: live, lost: unknown } },
    });
    const after = await call('GET', `/tasks/${task}`, { key: org.testKey });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'invalid_request_error',
      code: 'resource_not_found',
      message: 'The data references files that do not exist in this mode.',
      params: [
        { param: 'data.scan', message: `No file with the id '${live}' exists in test mode.` },
        { param: 'data.attachments.1.back', message: `No file with the id '${otherOrg}' exists in test mode.` },
        { param: 'data.again', message: `No file with the id '${live}' exists in test mode.` },
        { param: 'data.lost', message: `No file with the id '${unknown}' exists in test mode.` },
      ],
    });
    expect(after.body.data).toEqual({});
  });
});
