import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '../http/auth.guard';

export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');

@Controller('api/docs')
export class DocsController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: { current: unknown }) {}

  /** The OpenAPI description of this API (JSON). */
  @Public()
  @Get()
  docs() {
    return this.document.current;
  }
}
