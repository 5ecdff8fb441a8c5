import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '#libs/auth';
import { ORDER_GATEWAY_OPENAPI, OPENAPI_DOCUMENT_PATH } from './openapi.document.js';

/**
 * Serves the OpenAPI description of the `/v1` gateway. Public: a client needs it to learn how to
 * obtain and present a token in the first place, and it holds nothing a caller could not see.
 */
@Public()
@Controller()
export class OpenApiHttpController {
  @Get(OPENAPI_DOCUMENT_PATH)
  // The document changes only with a deployment; a short cache spares repeated downloads by tools.
  @Header('cache-control', 'public, max-age=300')
  document(): object {
    return ORDER_GATEWAY_OPENAPI;
  }
}
