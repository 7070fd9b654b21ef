import * as z from 'zod';
import { fileSettings } from '#shared/api/files/settings';
import { timestampSchema } from '#shared/api/schemas';

export const FILE_STATUSES = ['pending', 'uploaded'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

const fileId = z.string().meta({ example: 'file_2BU1ecNdKXgRfRxPSjFDXfmv0tV' });

/** A file as the API shows it. `size` is the declared size until the upload is seen, then the real one. */
export const file = z
  .object({
    id: fileId,
    filename: z.string().meta({ example: 'blood-pressure.pdf' }),
    content_type: z.string().meta({ example: 'application/pdf' }),
    size: z.number().int().nullable().meta({ description: 'In bytes; null when not declared and not yet uploaded.' }),
    task: z.string().nullable().meta({ description: 'The task the file was uploaded for, if any.' }),
    status: z.enum(FILE_STATUSES).meta({
      description: 'pending until the upload is seen (by GET /files/{id}), then uploaded.',
    }),
    live_mode: z.boolean(),
    created_at: timestampSchema,
  })
  .meta({ id: 'File', description: 'A file that a task can reference from its data.' });

export type File = z.infer<typeof file>;

/** The answer to POST /files: the file and where to PUT its bytes. */
export const createdFile = file
  .extend({
    upload_url: z.string().meta({
      description:
        'A presigned URL: PUT the bytes to it with the declared content-type header (and exactly `size` bytes when size was declared).',
    }),
    expiration: z.number().int().meta({ description: 'Expiration time of upload_url in seconds.' }),
  })
  .meta({ id: 'CreatedFile' });

export type CreatedFile = z.infer<typeof createdFile>;

/** The answer to GET /files/{id}, as the spec's Returns list has it. */
export const fileDownload = z
  .object({
    id: fileId,
    url: z.string().meta({ description: "A presigned, expiring URL enabling you to download the file's contents." }),
    expiration: z.number().int().meta({ description: 'Expiration time of the URL in seconds.', example: 300 }),
  })
  .meta({ id: 'FileDownload' });

export type FileDownload = z.infer<typeof fileDownload>;

// Control characters would break headers; slashes would make a name look like a path.
const FORBIDDEN_IN_FILENAME = /[\u0000-\u001f\u007f/\\]/;

export const createFileBody = z
  .strictObject({
    filename: z
      .string()
      .min(1)
      .max(255)
      .refine((name) => !FORBIDDEN_IN_FILENAME.test(name), {
        error: 'filename must be a file name without slashes, backslashes or control characters',
      })
      .refine((name) => name.trim() !== '', { error: 'filename must not be blank' })
      .meta({ description: 'The name the file is downloaded under. It never becomes part of the storage key.' }),
    // The allowed types and the maximum are read when a request is checked, not when the
    // module loads: they are deployment settings (OSMA_FILES_*).
    content_type: z
      .string()
      .min(1)
      .max(255)
      .superRefine((type, ctx) => {
        const { allowedTypes } = fileSettings();
        if (!allowedTypes.includes(type)) {
          ctx.addIssue({ code: 'custom', message: `content_type must be one of: ${allowedTypes.join(', ')}` });
        }
      })
      .meta({ description: 'One of the allowed media types (OSMA_FILES_ALLOWED_TYPES); the upload must send exactly it.' }),
    size: z
      .number()
      .int()
      .min(1)
      .superRefine((size, ctx) => {
        const { maxBytes } = fileSettings();
        if (size > maxBytes) ctx.addIssue({ code: 'custom', message: `size must be at most ${maxBytes} bytes` });
      })
      .optional()
      .meta({ description: 'Size in bytes, at most OSMA_FILES_MAX_BYTES. When given, the upload URL accepts exactly this many bytes.' }),
    task: z.string().nullable().optional().meta({ description: 'A task of the same mode that the file belongs to.' }),
  })
  .meta({ id: 'CreateFileRequest' });

export type CreateFileInput = z.infer<typeof createFileBody>;
