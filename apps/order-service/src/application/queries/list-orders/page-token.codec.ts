import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '../../application.errors.js';
import type { OrderCursor } from '../../ports/order.repository.port.js';

interface TokenBody {
  /** createTime of the last order on the page, epoch milliseconds. */
  readonly t: number;
  /** id of the last order on the page. */
  readonly i: string;
  /** The listing the token belongs to (who and which filter), so it cannot be replayed on another. */
  readonly s: string;
}

const invalid = (description: string): InvalidRequestError =>
  new InvalidRequestError([{ field: 'pageToken', description }]);

/**
 * Opaque keyset page tokens: the last position of a page plus the listing's scope, signed with
 * HMAC-SHA256 so a client can neither forge a position nor reuse a token on another listing.
 */
export class PageTokenCodec {
  constructor(private readonly secret: string) {}

  encode(cursor: OrderCursor, scope: string): string {
    const body: TokenBody = { t: cursor.createTime.getTime(), i: cursor.id, s: scope };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** @throws InvalidRequestError when the token was altered or belongs to another listing */
  decode(token: string, scope: string): OrderCursor {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) throw invalid('is not a page token of this service');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw invalid('has been altered or was not issued by this service');
    }
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenBody;
    if (body.s !== scope) throw invalid('belongs to a different listing (customer or filter)');
    return { createTime: new Date(body.t), id: body.i };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
