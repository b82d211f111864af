/**
 * OpenAPI from the same zod schemas that validate requests, so the description served at
 * /api/docs cannot drift from what the server accepts.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z, type ZodType } from 'zod';

type Schema = Record<string, unknown>;

export function jsonSchema(schema: ZodType): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
}

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'VALIDATION_FAILED' },
        message: { type: 'string' },
        article: { type: 'string', description: 'The article of 赣人社规〔2023〕2号 that applies' },
        details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } } },
      },
    },
  },
};

/** Documents one endpoint: who may call it, its body, and the error codes it may answer. */
export function Endpoint(summary: string, options: { body?: ZodType; errors?: Record<number, string>; ok?: number } = {}) {
  const decorators = [ApiOperation({ summary }), ApiBearerAuth()];
  if (options.body) decorators.push(ApiBody({ schema: jsonSchema(options.body) as never }));
  decorators.push(ApiResponse({ status: 401, description: 'UNAUTHENTICATED', schema: ERROR as never }));
  for (const [status, codes] of Object.entries(options.errors ?? {})) {
    decorators.push(ApiResponse({ status: Number(status), description: codes, schema: ERROR as never }));
  }
  return applyDecorators(...decorators);
}
