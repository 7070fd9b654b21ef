import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks an HTTP answer against the OpenAPI document: the operation must document the status,
 * the content type, the body (by its JSON schema) and every required header. Answers to
 * paths or methods the document does not have are API Gateway's own (unknown route, wrong
 * method) and must still have the error body.
 *
 * The document describes the newest API version, so the body of a success served at an older
 * version (its `osma-api-version` says so) is not checked against it; its status and headers are.
 */
export interface RecordedAnswer {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

interface OpenApiDocument {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { headers?: Record<string, HeaderObject>; schemas?: Record<string, unknown> };
}

interface Operation {
  responses: Record<string, ResponseObject>;
}

interface ResponseObject {
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, { schema?: unknown }>;
}

interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const DOCUMENT_ID = 'https://api.osma.com/spec/openapi.json';

/**
 * `gatewayError`: the schema that API Gateway's own answers (unknown route or method) follow:
 * the public API's `Error`, the management API's `JsonApiErrors`.
 */
export function conformanceChecker(document: OpenApiDocument, gatewayError = 'Error') {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ValidateFunction>();
  const headerValidators = new Map<unknown, ValidateFunction>();
  const validatorAt = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer}`);
      if (!validate) throw new Error(`No schema at ${pointer}`);
      validators.set(pointer, validate);
    }
    return validate;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}$`),
  }));

  /** The problems with an answer; empty when it conforms. */
  return function check(answer: RecordedAnswer): string[] {
    const problems: string[] = [];
    const pathname = new URL(answer.path, 'http://localhost').pathname;
    const template = templates.find(({ pattern }) => pattern.test(pathname))?.template;
    const method = answer.method.toLowerCase();
    const operation = template ? document.paths[template]?.[method] : undefined;
    if (!template || !operation) {
      // API Gateway's own answer: the route does not exist, or not with this method.
      const errors = validatorAt(`/components/schemas/${gatewayError}`);
      if (!errors(answer.body)) problems.push(`gateway answer ${answer.status} is not an Error: ${ajv.errorsText(errors.errors)}`);
      return problems;
    }
    const where = `${answer.method} ${template} ${answer.status}`;
    const status = String(answer.status);
    const response = operation.responses[status] ?? operation.responses.default;
    if (!response) return [`${where}: status ${status} is not documented`];
    const responsePointer = `/paths/${escape(template)}/${method}/responses/${operation.responses[status] ? status : 'default'}`;

    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const resolved = resolveHeader(document, header);
      const value = answer.headers.get(name);
      if (value === null) {
        if (resolved.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      if (resolved.schema) {
        let validate = headerValidators.get(resolved.schema);
        if (!validate) {
          validate = ajv.compile(resolved.schema as object);
          headerValidators.set(resolved.schema, validate);
        }
        if (!validate(value)) problems.push(`${where}: header ${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }

    if (!response.content) {
      if (answer.text !== '') problems.push(`${where}: a body where the document promises none`);
      return problems;
    }
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = response.content?.[contentType];
    if (!media) {
      problems.push(`${where}: content-type ${contentType || '(none)'} is not documented (${Object.keys(response.content ?? {}).join(', ')})`);
      return problems;
    }
    const olderVersion = answer.status < 400 && answer.headers.get('osma-api-version') !== document.info.version;
    if (contentType === 'application/json' && media.schema && !olderVersion) {
      const validate = validatorAt(`${responsePointer}/content/${escape(contentType)}/schema`);
      if (!validate(answer.body)) problems.push(`${where}: body ${ajv.errorsText(validate.errors)}`);
    }
    if (contentType !== 'application/json' && media.schema) {
      const validate = validatorAt(`${responsePointer}/content/${escape(contentType)}/schema`);
      if (!validate(answer.text)) problems.push(`${where}: body ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };
}

function resolveHeader(document: OpenApiDocument, header: HeaderObject | { $ref: string }): HeaderObject {
  if ('$ref' in header) {
    const name = header.$ref.replace('#/components/headers/', '');
    const resolved = document.components?.headers?.[name];
    if (!resolved) throw new Error(`Unresolved header ${header.$ref}`);
    return resolved;
  }
  return header;
}

/** A JSON pointer token. */
function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
