import {
  admin,
  anOrder,
  customer,
  DEFAULT_NOW,
  InMemoryOrderRepository,
  rejection,
} from '../../../../test/fakes/index.js';
import type { OrderStatus } from '../../../domain/order-status.js';
import type { Actor } from '../../actor.js';
import { ForbiddenError, InvalidRequestError } from '../../application.errors.js';
import { ListOrdersHandler } from './list-orders.handler.js';
import { ListOrdersQuery } from './list-orders.query.js';
import { PageTokenCodec } from './page-token.codec.js';

const at = (seconds: number) => new Date(DEFAULT_NOW.getTime() + seconds * 1000);

/** c1's orders newest first; o-02..o-04 share a createTime, so their ids decide. */
const C1_NEWEST_FIRST = ['o-07', 'o-06', 'o-05', 'o-04', 'o-03', 'o-02', 'o-01'];

function setup() {
  const orders = new InMemoryOrderRepository();
  // Seeded out of order, so the listing cannot owe its order to insertion.
  orders.seed(
    anOrder({ id: 'o-03', customerId: 'c1', createTime: at(2) }),
    anOrder({ id: 'o-09', customerId: 'c2', createTime: at(2) }),
    anOrder({ id: 'o-06', customerId: 'c1', createTime: at(4), state: 'RESERVED' }),
    anOrder({ id: 'o-01', customerId: 'c1', createTime: at(1) }),
    anOrder({ id: 'o-07', customerId: 'c1', createTime: at(5), state: 'CANCELED' }),
    anOrder({ id: 'o-04', customerId: 'c1', createTime: at(2) }),
    anOrder({ id: 'o-08', customerId: 'c2', createTime: at(6) }),
    anOrder({ id: 'o-05', customerId: 'c1', createTime: at(3) }),
    anOrder({ id: 'o-02', customerId: 'c1', createTime: at(2) }),
  );
  const handler = new ListOrdersHandler(orders, new PageTokenCodec('test-secret'));
  const list = async (actor: Actor, pageSize: number, pageToken = '', status?: OrderStatus, customerId?: string) => {
    const result = await handler.execute(new ListOrdersQuery(actor, pageSize, pageToken, status, customerId));
    return { ids: result.orders.map((o) => o.id), orders: result.orders, next: result.nextPageToken };
  };
  /** Follows next page tokens to the end; returns the ids of each page. */
  const pages = async (actor: Actor, pageSize: number, status?: OrderStatus, customerId?: string) => {
    const all: string[][] = [];
    let token = '';
    do {
      const page = await list(actor, pageSize, token, status, customerId);
      all.push(page.ids);
      token = page.next;
    } while (token !== '' && all.length < 50);
    return all;
  };
  return { orders, list, pages };
}

/** A page token with one field of its signed payload changed, the signature kept. */
function tamper(token: string): string {
  const [payload, signature] = token.split('.');
  const body = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...body, i: 'o-99' })).toString('base64url');
  return `${forged}.${signature}`;
}

async function expectPageTokenRejected(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise, InvalidRequestError);
  expect(error.violations.map((v) => v.field)).toEqual(['pageToken']);
}

describe('ListOrdersHandler', () => {
  describe('paging', () => {
    it.each([1, 2, 3, 6, 7, 100])(
      'pages of %i list the caller’s orders newest first, with no duplicates or gaps',
      async (pageSize) => {
        const { pages } = setup();

        const result = await pages(customer('c1'), pageSize);

        expect(result.flat()).toEqual(C1_NEWEST_FIRST);
        expect(result.length).toBe(Math.ceil(C1_NEWEST_FIRST.length / pageSize));
        for (const page of result) expect(page.length).toBeLessThanOrEqual(pageSize);
      },
    );

    it('ends with an empty token on a full last page instead of an empty extra page', async () => {
      const { list } = setup();

      const page = await list(customer('c1'), 7);

      expect(page.ids).toEqual(C1_NEWEST_FIRST);
      expect(page.next).toBe('');
    });

    it('carries on without duplicates or gaps while newer orders are created', async () => {
      const { orders, list } = setup();
      const first = await list(customer('c1'), 3);

      orders.seed(
        anOrder({ id: 'o-10', customerId: 'c1', createTime: at(10) }),
        anOrder({ id: 'o-11', customerId: 'c1', createTime: at(11) }),
      );
      const second = await list(customer('c1'), 3, first.next);
      const third = await list(customer('c1'), 3, second.next);

      expect([...first.ids, ...second.ids, ...third.ids]).toEqual(C1_NEWEST_FIRST);
      expect(third.next).toBe('');
      expect((await list(customer('c1'), 2)).ids).toEqual(['o-11', 'o-10']);
    });

    it('uses a page size of 20 for 0 and accepts up to 100', async () => {
      const { orders, list } = setup();
      const many = Array.from({ length: 25 }, (_, i) =>
        anOrder({ id: `m-${String(i).padStart(2, '0')}`, customerId: 'many', createTime: at(100 + i) }),
      );
      orders.seed(...many);

      const defaultPage = await list(customer('many'), 0);
      const rest = await list(customer('many'), 0, defaultPage.next);
      const largest = await list(customer('many'), 100);

      expect(defaultPage.ids).toHaveLength(20);
      expect(defaultPage.ids[0]).toBe('m-24');
      expect(rest.ids).toHaveLength(5);
      expect(rest.next).toBe('');
      expect(largest.ids).toHaveLength(25);
    });

    it.each([101, -1, 2.5])('rejects a page size of %p on field pageSize', async (pageSize) => {
      const { list } = setup();

      const error = await rejection(list(customer('c1'), pageSize), InvalidRequestError);

      expect(error.violations.map((v) => v.field)).toEqual(['pageSize']);
    });
  });

  describe('page tokens', () => {
    it('rejects a token whose payload was altered', async () => {
      const { list } = setup();
      const { next } = await list(customer('c1'), 2);

      await expectPageTokenRejected(list(customer('c1'), 2, tamper(next)));
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a truncated signature', (t: string) => t.slice(0, -1)],
      ['an extra segment', (t: string) => `${t}.x`],
    ])('rejects %s', async (_, make) => {
      const { list } = setup();
      const { next } = await list(customer('c1'), 2);
      const token = typeof make === 'string' ? make : make(next);

      await expectPageTokenRejected(list(customer('c1'), 2, token));
    });

    it('rejects a token signed with another secret', async () => {
      const { list } = setup();
      const foreign = new PageTokenCodec('other-secret').encode(
        { createTime: at(3), id: 'o-05' },
        JSON.stringify(['c1', 'c1', '*']),
      );

      await expectPageTokenRejected(list(customer('c1'), 2, foreign));
    });

    it('rejects a token reused with another status filter', async () => {
      const { list } = setup();
      const { next } = await list(customer('c1'), 2);

      await expectPageTokenRejected(list(customer('c1'), 2, next, 'PENDING'));
    });

    it('rejects a token reused by another customer', async () => {
      const { list } = setup();
      const { next } = await list(customer('c1'), 2);

      await expectPageTokenRejected(list(customer('c2'), 2, next));
    });

    it('rejects a token reused by another admin', async () => {
      const { list } = setup();
      const { next } = await list(admin('a1'), 1);

      await expectPageTokenRejected(list(admin('a2'), 1, next));
    });

    it('rejects an admin’s token reused for another customer filter', async () => {
      const { list } = setup();
      const { next } = await list(admin(), 1, '', undefined, 'c2');

      await expectPageTokenRejected(list(admin(), 1, next, undefined, 'c1'));
    });

    it('pages through a status filter with its own tokens', async () => {
      const { pages } = setup();

      expect(await pages(customer('c1'), 2, 'PENDING')).toEqual([['o-05', 'o-04'], ['o-03', 'o-02'], ['o-01']]);
    });
  });

  describe('who sees what', () => {
    it('shows a customer only their own orders', async () => {
      const { pages } = setup();

      expect((await pages(customer('c2'), 1)).flat()).toEqual(['o-08', 'o-09']);
      expect((await pages(customer('c3'), 10)).flat()).toEqual([]);
    });

    it('filters by status within the customer’s own orders', async () => {
      const { list } = setup();

      expect((await list(customer('c1'), 10, '', 'RESERVED')).ids).toEqual(['o-06']);
      expect((await list(customer('c2'), 10, '', 'RESERVED')).ids).toEqual([]);
    });

    it('lets a customer name themselves as customerId', async () => {
      const { list } = setup();

      expect((await list(customer('c1'), 10, '', undefined, 'c1')).ids).toEqual(C1_NEWEST_FIRST);
    });

    it('forbids a customer to name another customer', async () => {
      const { list } = setup();

      await rejection(list(customer('c1'), 10, '', undefined, 'c2'), ForbiddenError);
    });

    it('shows an admin every customer’s orders, or one customer’s on request', async () => {
      const { pages } = setup();

      // o-09 shares its createTime with o-02..o-04 and has the greatest id of them.
      const everyone = ['o-08', 'o-07', 'o-06', 'o-05', 'o-09', 'o-04', 'o-03', 'o-02', 'o-01'];
      expect((await pages(admin(), 4)).flat()).toEqual(everyone);
      expect((await pages(admin(), 1, undefined, 'c2')).flat()).toEqual(['o-08', 'o-09']);
    });
  });
});
