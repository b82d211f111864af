/**
 * OpenAPI from the same zod schemas that validate requests, so the description served at
 * /api/docs cannot drift from what the server accepts.
 */
import { applyDecorators, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { z, type ZodObject, type ZodType } from 'zod';
import { PATH_PARAMETER_FORMATS } from './validation';

type Schema = Record<string, unknown>;

export function jsonSchema(schema: ZodType, io: 'input' | 'output' = 'input'): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  return rest;
}

/**
 * The codes a status's description names: each at its start or after ", ", "; ", "also " or "or "
 * (a configuration variable named in the prose, as `(REDIS_URL …`, is not one).
 */
export const codesOf = (description: string): string[] => [...new Set([...description.matchAll(/(?:^|, |; |also |or )([A-Z][A-Z0-9_]+)\b/g)].map((m) => m[1]!))];

/** The error format (API.md), exactly: its `code` one of those the status's description names. */
const errorSchema = (description: string): Schema => {
  const codes = codesOf(description);
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: codes, example: codes[0] },
          message: { type: 'string', description: 'With a 400: each field refused and why, as `field: reason; …`' },
          article: { type: 'string', description: 'The article of 赣人社规〔2023〕2号 that applies' },
        },
      },
    },
  };
};
/** Every endpoint validates its path (and query, and body): 400 is always possible. */
const VALIDATION = 'VALIDATION_FAILED (a path parameter, query parameter or body field, named in the message), INVALID_JSON, MALFORMED_REQUEST (not valid HTTP/1.1: no single valid Host header, say)';

export interface EndpointOptions {
  body?: ZodType;
  /** The query parameters, as the schema that validates them. */
  query?: ZodObject;
  /** What a success answers (its status is the route's: @HttpCode, else 201 for POST, else 200). */
  ok?: string;
  /** Its body's schema (responses.ts; the end-to-end suite parses real answers with it). */
  response?: ZodType;
  errors?: Record<number, string>;
}

const CONFLICT = 'CONCURRENCY_CONFLICT';
const UNAVAILABLE = 'SERVICE_UNAVAILABLE (a store not answering, the server shutting down, or a person-year holding an event a newer release wrote — a rolling upgrade: send the request again; or a store out of disk space: nothing of the request written, send it again later)';

/**
 * Documents one endpoint: who may call it, its body and query, what a success answers and the
 * error codes it may answer. Put it above the route decorators: it reads their method and status.
 */
export function Endpoint(summary: string, options: EndpointOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === RequestMethod.POST ? 201 : 200);
    const body = options.response ? { schema: jsonSchema(options.response, 'output') as never } : {};
    const decorators = [ApiOperation({ summary }), ApiBearerAuth(), ApiResponse({ status, description: options.ok ?? 'success', ...body })];
    if (options.body) decorators.push(ApiBody({ schema: jsonSchema(options.body) as never }));
    for (const [name, field] of Object.entries(options.query?.shape ?? {})) {
      const schema = field as ZodType;
      decorators.push(ApiQuery({ name, required: !schema.safeParse(undefined).success, schema: jsonSchema(schema) as never }));
    }
    const own = options.errors?.[400];
    const errors: Record<number, string> = { 401: 'UNAUTHENTICATED', ...options.errors, 400: own === undefined ? VALIDATION : `${own}; also ${VALIDATION}` };
    if (options.body) errors[413] = 'PAYLOAD_TOO_LARGE (a body over 64 KiB)';
    // Any command that appends may meet writers of the same stream elsewhere past its retries.
    if (method !== RequestMethod.GET && status !== 202 && !(errors[409] ?? '').includes(CONFLICT)) errors[409] = errors[409] === undefined ? CONFLICT : `${errors[409]}, ${CONFLICT}`;
    errors[503] = errors[503] === undefined ? UNAVAILABLE : `${errors[503]}; also ${UNAVAILABLE}`;
    for (const [status, codes] of Object.entries(errors)) {
      // An answer other than an error (a 200 that repeats a first answer) has the success's body.
      const schema = Number(status) >= 400 ? { schema: errorSchema(codes) as never } : body;
      decorators.push(ApiResponse({ status: Number(status), description: codes, ...schema }));
    }
    applyDecorators(...decorators)(target, key, descriptor);
  };
}

/** API.md's path parameters: ids of 1–64 characters of [A-Za-z0-9_-]; a year from 2023 to 2100. */
const PATH_PARAMETER_SCHEMAS: Record<string, Schema> = {
  year: { type: 'integer', minimum: 2023, maximum: 2100 },
  ruleSetId: jsonSchema(PATH_PARAMETER_FORMATS.ruleSetId!),
};
const ID_SCHEMA: Schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };

/**
 * Declares every path parameter on every operation (the controllers validate `@Param()` as one
 * object with zod, so the generator sees none): OpenAPI requires each `{name}` of a path declared.
 */
export function declarePathParameters(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (operation === undefined) continue;
      const declared = new Set((operation.parameters ?? []).map((p) => ('in' in p && p.in === 'path' ? p.name : null)));
      const missing = names.filter((name) => !declared.has(name));
      operation.parameters = [
        ...missing.map((name) => ({ name, in: 'path' as const, required: true, schema: PATH_PARAMETER_SCHEMAS[name] ?? ID_SCHEMA })),
        ...(operation.parameters ?? []),
      ];
    }
  }
  return document;
}
