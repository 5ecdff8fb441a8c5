import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { sharedInProcessBroker } from '#libs/messaging';
import { v7 as uuidv7 } from 'uuid';
import { ORDER_GATEWAY_OPENAPI } from '../../order-service/src/adapters/in/rest/openapi.document.js';
import { NotificationsHarness, sleep } from './support/notifications.harness.js';

/**
 * notification-service inside the whole system (all-in-one, in-process broker), with a real local
 * SMTP server and a local HTTP SMS provider: orders created and paid through the public API, the
 * messages read where they arrived.
 */
let h: NotificationsHarness;
let admin: string;
let service: string;

beforeAll(async () => {
  h = await NotificationsHarness.start();
  [admin, service] = await Promise.all([h.token('root', { roles: ['admin'] }), h.token('order-service', { roles: ['service'], email: null })]);
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

const customer = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const paidMails = (address: string, orderId: string) => h.smtp.to(address).filter((m) => m.text === `Your order ${orderId} has been successfully paid.`);

describe('order notifications', () => {
  let paidOrder: { id: string; email: string };

  it('a paid order sends exactly one "successfully paid" e-mail, to the email claim of the token, with the order id', async () => {
    const sub = customer('alice');
    const token = await h.token(sub);
    const id = await h.reservedOrder(token);
    await h.pay(id, token);

    const [mail] = await h.until('the paid e-mail', () => (paidMails(`${sub}@example.com`, id).length > 0 ? paidMails(`${sub}@example.com`, id) : undefined));
    expect(mail).toMatchObject({ to: [`${sub}@example.com`], subject: 'Order Status Update', text: `Your order ${id} has been successfully paid.` });
    const row = await h.until('the row SENT', async () => {
      const n = await h.notification(id, 'PAYMENT_CAPTURED');
      return n?.status === 'SENT' ? n : undefined;
    });
    expect(row).toMatchObject({ customer_id: sub, channel: 'email', recipient: `${sub}@example.com`, attempts: 1, provider_message_id: mail!.messageId });
    expect(await h.notification(id, 'PAYMENT_REMINDER')).toMatchObject({ status: 'CANCELED', last_error: 'ORDER_LEFT_RESERVED' });

    await h.until('CONFIRMED', async () => ((await h.orderStatus(id)) === 'CONFIRMED' ? true : undefined));
    await sleep(500);
    expect(h.smtp.to(`${sub}@example.com`)).toHaveLength(1);
    paidOrder = { id, email: `${sub}@example.com` };
  });

  it('a redelivered event sends nothing more: the same message id again, or a new message id with the same (order_id, seq)', async () => {
    const { id, email } = paidOrder;
    const before = await h.notifications({ orderId: id });
    const { rows: events } = await h.sql.query(
      `SELECT message_id, exchange, routing_key, payload, headers FROM order_service.outbox WHERE aggregate_id = $1 AND exchange = 'oms.events' ORDER BY id`,
      [id],
    );
    expect(new Set(events.map((e) => e.routing_key))).toEqual(new Set(['order.status_changed', 'payment.status_changed']));
    const broker = sharedInProcessBroker();
    const fresh: string[] = [];
    const declined: string[] = [];
    for (const e of events) {
      const message = { messageId: e.message_id, exchange: e.exchange, routingKey: e.routing_key, payload: e.payload, headers: e.headers, aggregateId: id };
      expect(await broker.publish(message)).toMatchObject({ ok: true });
      const messageId = uuidv7();
      // Payment events other than CAPTURED are none of notification-service's business: acked untouched.
      const noWork = e.routing_key === 'payment.status_changed' && e.payload.newStatus !== 'PAYMENT_STATUS_CAPTURED';
      (noWork ? declined : fresh).push(messageId);
      expect(await broker.publish({ ...message, messageId, headers: { ...e.headers, 'message-id': messageId } })).toMatchObject({ ok: true });
    }
    expect(declined.length).toBeGreaterThan(0);
    // Handled (the inbox took the new ids) and deduplicated by (order_id, event type, seq); the
    // declined ones left no row.
    const { rows: inbox } = await h.sql.query(`SELECT message_id FROM notification_service.inbox WHERE message_id = ANY($1)`, [[...fresh, ...declined]]);
    expect(inbox.map((r) => r.message_id).sort()).toEqual([...fresh].sort());
    await sleep(600);
    expect(await h.notifications({ orderId: id })).toEqual(before);
    expect(h.smtp.to(email)).toHaveLength(1);
  });

  it('a refund is announced once', async () => {
    const { id, email } = paidOrder;
    const token = await h.token(email.split('@')[0]!);
    const refunded = await h.call('POST', `/v1/orders/${id}:refund`, token, { reason: 'arrived damaged' });
    expect(refunded.status).toBe(200);
    const mail = await h.until('the refund e-mail', () => h.smtp.to(email).find((m) => m.text.includes('refunded')));
    expect(mail.text).toBe(`Your order ${id} has been refunded. Reason: arrived damaged.`);
    expect(await h.until('SENT', async () => ((await h.notification(id, 'ORDER_REFUNDED'))?.status === 'SENT' ? true : undefined))).toBe(true);
  });

  it('a customer whose stored contact prefers SMS gets an SMS at the HTTP provider', async () => {
    const sub = customer('sam');
    const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const put = await h.call('PUT', `/v1/customers/${sub}/contact`, admin, { email: `${sub}@mail.example`, phone, preferredChannel: 'sms' });
    expect(put.status).toBe(200);
    expect(put.body.contact).toMatchObject({ customerId: sub, email: `${sub}@mail.example`, phone, preferredChannel: 'sms' });
    expect((await h.call('GET', `/v1/customers/${sub}/contact`, admin)).body).toEqual(put.body);

    const token = await h.token(sub);
    const id = await h.reservedOrder(token);
    await h.pay(id, token);
    const [sms] = await h.until('the SMS', () => (h.sms.to(phone).length > 0 ? h.sms.to(phone) : undefined));
    expect(sms).toMatchObject({ message: `Your order ${id} has been successfully paid.`, authorization: `Bearer ${h.sms.apiKey}` });
    const row = await h.until('the row SENT', async () => {
      const n = await h.notification(id, 'PAYMENT_CAPTURED');
      return n?.status === 'SENT' ? n : undefined;
    });
    expect(row).toMatchObject({ channel: 'sms', recipient: phone, provider_message_id: sms!.id });
    expect(sms!.idempotencyKey).toBe(row.id);
    expect(h.smtp.to(`${sub}@example.com`)).toEqual([]);
  });

  it('an order canceled for want of stock tells the customer why', async () => {
    const sub = customer('carol');
    const token = await h.token(sub);
    const created = await h.call('POST', '/v1/orders', token, { items: [{ sku: 'P001', qty: 5000 }] });
    expect(created.status).toBe(200);
    const id = created.body.order.id;
    const mail = await h.until('the cancellation e-mail', () => h.smtp.to(`${sub}@example.com`)[0]);
    expect(mail.text).toBe(`Your order ${id} has been canceled. Reason: INSUFFICIENT_STOCK (some items are out of stock).`);
  });

  it('with no stored contact and no email claim, the notification is recorded as SKIPPED', async () => {
    const sub = customer('ghost');
    const token = await h.token(sub, { email: null });
    const created = await h.call('POST', '/v1/orders', token, { items: [{ sku: 'P001', qty: 5000 }] });
    const id = created.body.order.id;
    const row = await h.until('the SKIPPED row', () => h.notification(id, 'ORDER_CANCELED'));
    expect(row).toMatchObject({ status: 'SKIPPED', last_error: 'NO_RECIPIENT', channel: null, recipient: null, attempts: 0, customer_id: sub });
  });
});

describe('when the SMTP server is down or refuses', () => {
  const sentRow = (id: string) =>
    h.until('the row SENT', async () => {
      const n = await h.notification(id, 'PAYMENT_CAPTURED');
      return n?.status === 'SENT' ? n : undefined;
    });

  it('retries while the server is stopped and sends once it is back, with the attempts recorded', async () => {
    const sub = customer('olga');
    const token = await h.token(sub);
    const id = await h.reservedOrder(token);
    await h.smtp.stop();
    try {
      await h.pay(id, token);
      const failing = await h.until('two failed attempts', async () => {
        const n = await h.notification(id, 'PAYMENT_CAPTURED');
        // Two attempts over, none in flight.
        return n && n.attempts >= 2 && n.status === 'PENDING' && n.lease_until === null ? n : undefined;
      });
      expect(failing.last_error).toMatch(/ECONNREFUSED/);
      expect(paidMails(`${sub}@example.com`, id)).toEqual([]);
    } finally {
      await h.smtp.listen();
    }
    const row = await sentRow(id);
    expect(row.attempts).toBeGreaterThanOrEqual(3);
    expect(row.last_error).toBeNull();
    await sleep(300);
    expect(paidMails(`${sub}@example.com`, id)).toHaveLength(1);
  }, 30_000);

  it('retries while the server answers 451 and sends once it accepts again', async () => {
    const sub = customer('tess');
    const address = `${sub}@example.com`;
    const token = await h.token(sub);
    const id = await h.reservedOrder(token);
    h.smtp.modeFor.set(address, 'tempfail');
    try {
      await h.pay(id, token);
      const failing = await h.until('two refused attempts', async () => {
        const n = await h.notification(id, 'PAYMENT_CAPTURED');
        // Two attempts over, none in flight.
        return n && n.attempts >= 2 && n.status === 'PENDING' && n.lease_until === null ? n : undefined;
      });
      expect(failing.last_error).toMatch(/SMTP 451/);
    } finally {
      h.smtp.modeFor.delete(address);
    }
    expect((await sentRow(id)).attempts).toBeGreaterThanOrEqual(3);
    expect(paidMails(address, id)).toHaveLength(1);
  }, 30_000);

  it('gives up after OMS_NOTIFICATION_MAX_ATTEMPTS (6): FAILED, with the last error kept', async () => {
    const sub = customer('bounce');
    const address = `${sub}@example.com`;
    h.smtp.modeFor.set(address, 'permfail');
    const token = await h.token(sub);
    const id = await h.reservedOrder(token);
    await h.pay(id, token);
    const row = await h.until('FAILED', async () => {
      const n = await h.notification(id, 'PAYMENT_CAPTURED');
      return n?.status === 'FAILED' ? n : undefined;
    });
    expect(row).toMatchObject({ attempts: 6, last_error: expect.stringMatching(/SMTP 550/) });
    await sleep(1200);
    expect((await h.notification(id, 'PAYMENT_CAPTURED'))?.attempts).toBe(6);
    expect(h.smtp.to(address)).toEqual([]);
  }, 30_000);
});

describe('POST /api/notification/send (seed 000, section 4)', () => {
  const seedRequest = {
    userId: '123456',
    notificationType: 'email',
    subject: 'Order Status Update',
    message: 'Your order ORD123456 has been successfully paid.',
  };
  const send = (body: unknown, token: string | null = service, headers: Record<string, string> = {}) =>
    h.call('POST', '/api/notification/send', token, body, headers);

  beforeAll(async () => {
    const put = await h.call('PUT', '/v1/customers/123456/contact', admin, { email: 'customer123456@example.com', phone: '+14155550100', preferredChannel: 'email' });
    expect(put.status).toBe(200);
    const onlyMail = await h.call('PUT', '/v1/customers/mail-only/contact', admin, { email: 'mail-only@example.com', preferredChannel: 'email' });
    expect(onlyMail.status).toBe(200);
  });

  it("answers the seed's example request with the seed's response, and the mail arrives", async () => {
    const res = await send(seedRequest);
    expect(res).toEqual({ status: 200, body: { code: 200, message: 'Notification sent successfully' } });
    const mail = h.smtp.to('customer123456@example.com').at(-1);
    expect(mail).toMatchObject({ subject: 'Order Status Update', text: 'Your order ORD123456 has been successfully paid.' });
    const [row] = (await h.notifications({ customerId: '123456' })).filter((n) => n.kind === 'DIRECT');
    expect(row).toMatchObject({ status: 'SENT', channel: 'email', order_id: null, attempts: 1, provider_message_id: mail!.messageId });
  });

  it('sends an SMS to the stored phone number', async () => {
    const res = await send({ ...seedRequest, notificationType: 'sms', subject: undefined });
    expect(res).toEqual({ status: 200, body: { code: 200, message: 'Notification sent successfully' } });
    expect(h.sms.to('+14155550100').at(-1)).toMatchObject({ message: 'Your order ORD123456 has been successfully paid.' });
  });

  it('sends once per Idempotency-Key', async () => {
    const before = h.smtp.to('customer123456@example.com').length;
    const key = randomUUID();
    const first = await send({ ...seedRequest, message: 'once' }, service, { 'idempotency-key': key });
    const again = await send({ ...seedRequest, message: 'once' }, service, { 'idempotency-key': key });
    expect([first, again]).toEqual([first, first]);
    expect(h.smtp.to('customer123456@example.com').length).toBe(before + 1);
  });

  it.each<[string, unknown, string]>([
    ['no userId', { ...seedRequest, userId: undefined }, 'userId is required'],
    ['an empty userId', { ...seedRequest, userId: '' }, 'userId is required'],
    ['a userId that is not text', { ...seedRequest, userId: { id: 1 } }, 'userId must be a string'],
    ['no notificationType', { ...seedRequest, notificationType: undefined }, 'notificationType is required ("email" or "sms")'],
    ['an unknown notificationType', { ...seedRequest, notificationType: 'fax' }, 'notificationType must be "email" or "sms"'],
    ['an e-mail without subject', { ...seedRequest, subject: '' }, 'subject is required for an e-mail'],
    ['a subject over 200 characters', { ...seedRequest, subject: 's'.repeat(201) }, 'subject must be at most 200 characters'],
    ['no message', { ...seedRequest, message: undefined }, 'message is required'],
    ['a blank message', { ...seedRequest, message: '   ' }, 'message must not be blank'],
    ['an e-mail over 2000 characters', { ...seedRequest, message: 'm'.repeat(2001) }, 'message must be at most 2000 characters'],
    ['an SMS over 1600 characters', { ...seedRequest, notificationType: 'sms', message: 'm'.repeat(1601) }, 'message must be at most 1600 characters'],
    ['a JSON array', [seedRequest], 'the request body must be a JSON object'],
    ['several problems', { notificationType: 'email' }, 'userId is required; subject is required for an e-mail; message is required'],
  ])('answers 400 for %s', async (_what, body, message) => {
    expect(await send(body)).toEqual({ status: 400, body: { code: 400, message } });
  });

  it('answers 400 {code, message} for a body that is not JSON', async () => {
    const res = await send('{"userId": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: expect.any(String) });
  });

  it('answers 404 when the user has no address for that channel', async () => {
    expect(await send({ ...seedRequest, userId: 'nobody' })).toEqual({
      status: 404,
      body: { code: 404, message: 'customer nobody has no e-mail address on file' },
    });
    expect(await send({ ...seedRequest, userId: 'mail-only', notificationType: 'sms' })).toEqual({
      status: 404,
      body: { code: 404, message: 'customer mail-only has no phone number on file' },
    });
  });

  it('answers 503 when the provider does not accept the message, and records it FAILED', async () => {
    h.sms.failing = true;
    try {
      const res = await send({ ...seedRequest, notificationType: 'sms', message: 'provider down' });
      expect(res).toEqual({ status: 503, body: { code: 503, message: 'the SMS provider did not accept the message; retry later' } });
    } finally {
      h.sms.failing = false;
    }
    const failed = (await h.notifications({ customerId: '123456' })).filter((n) => n.body === 'provider down');
    expect(failed).toMatchObject([{ status: 'FAILED', attempts: 1, last_error: expect.stringContaining('HTTP 503') }]);
  });

  it('needs a service (or admin) token: a customer gets 403, no token 401', async () => {
    const alice = await h.token('123456');
    expect(await send(seedRequest, alice)).toEqual({ status: 403, body: { code: 403, message: expect.stringContaining('requires role') } });
    expect(await send(seedRequest, null)).toEqual({ status: 401, body: { code: 401, message: expect.any(String) } });
    expect((await send(seedRequest, admin)).status).toBe(200);
  });
});

describe('/v1/customers/{id}/contact', () => {
  it('rejects invalid details with AIP-193 field violations, and needs admin or service', async () => {
    const bad = await h.call('PUT', '/v1/customers/c1/contact', admin, { email: 'nope', preferredChannel: 'sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ status: 'INVALID_ARGUMENT' });
    const fields = bad.body.error.details.find((d: any) => d['@type'].endsWith('BadRequest')).fieldViolations.map((v: any) => v.field);
    expect(fields).toEqual(['email', 'phone']);
    expect((await h.call('PUT', '/v1/customers/c1/contact', await h.token('c1'), { email: 'c1@example.com', preferredChannel: 'email' })).status).toBe(403);
    expect((await h.call('GET', '/v1/customers/c1/contact', null)).status).toBe(401);
    expect((await h.call('GET', '/v1/customers/c1/contact', service)).body.error).toMatchObject({ status: 'NOT_FOUND', code: 404 });
  });
});

describe('the gateway OpenAPI document', () => {
  it('describes what the contact routes answer', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    ajv.addFormat('int32', true).addFormat('int64', true).addFormat('date-time', true);
    // Strict: an object with listed properties admits no others, so an undocumented field fails.
    const strict = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(strict);
      if (node === null || typeof node !== 'object') return node;
      const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strict(v)])) as Record<string, unknown>;
      if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
      return copy;
    };
    ajv.addSchema(strict(JSON.parse(JSON.stringify(ORDER_GATEWAY_OPENAPI))) as object, 'openapi.json');
    const fits = (schema: string, body: unknown) => {
      const validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${schema}` });
      return validate(body) ? [] : validate.errors;
    };
    const request = { email: 'doc@example.com', phone: '+14155550142', preferredChannel: 'sms' };
    expect(fits('SetCustomerContactRequest', request)).toEqual([]);
    const put = await h.call('PUT', '/v1/customers/doc-1/contact', admin, request);
    expect(fits('SetCustomerContactResponse', put.body)).toEqual([]);
    const onlyMail = await h.call('PUT', '/v1/customers/doc-2/contact', admin, { email: 'doc2@example.com', preferredChannel: 'email' });
    expect(fits('GetCustomerContactResponse', (await h.call('GET', '/v1/customers/doc-2/contact', admin)).body)).toEqual([]);
    expect(onlyMail.body.contact.phone).toBeUndefined();
  });
});

describe('gRPC oms.v1.NotificationService', () => {
  it('sets and reads a contact, and sends through it', async () => {
    const set = await h.grpc.call('SetCustomerContact', { customerId: 'grpc-1', phone: '+14155550199', preferredChannel: 'sms' }, service);
    expect(set).toMatchObject({ ok: true, body: { contact: { customerId: 'grpc-1', phone: '+14155550199', preferredChannel: 'sms' } } });
    expect(await h.grpc.call('GetCustomerContact', { customerId: 'grpc-1' }, service)).toEqual(set);
    const sent = await h.grpc.call('SendNotification', { userId: 'grpc-1', notificationType: 'sms', message: 'hello over gRPC' }, service);
    expect(sent).toMatchObject({ ok: true, body: { notification: { kind: 'DIRECT', channel: 'sms', recipient: '+14155550199', status: 'SENT', attempts: 1 } } });
    expect(h.sms.to('+14155550199').at(-1)?.message).toBe('hello over gRPC');
  });

  it('answers with the proper codes', async () => {
    const customerToken = await h.token('grpc-1');
    expect(await h.grpc.call('SendNotification', { userId: 'grpc-1', notificationType: 'pigeon', message: 'x' }, service)).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
      fields: ['notification_type'],
    });
    expect(await h.grpc.call('SetCustomerContact', { customerId: 'grpc-2', preferredChannel: 'email' }, service)).toMatchObject({
      ok: false,
      status: 'INVALID_ARGUMENT',
      fields: ['email'],
    });
    expect(await h.grpc.call('GetCustomerContact', { customerId: 'nobody' }, service)).toMatchObject({ ok: false, status: 'NOT_FOUND', reason: 'CONTACT_NOT_FOUND' });
    expect(await h.grpc.call('SendNotification', { userId: 'nobody', notificationType: 'email', subject: 's', message: 'x' }, service)).toMatchObject({
      ok: false,
      status: 'NOT_FOUND',
      reason: 'CONTACT_NOT_FOUND',
    });
    expect(await h.grpc.call('GetCustomerContact', { customerId: 'grpc-1' }, customerToken)).toMatchObject({ ok: false, status: 'PERMISSION_DENIED' });
    expect(await h.grpc.call('GetCustomerContact', { customerId: 'grpc-1' })).toMatchObject({ ok: false, status: 'UNAUTHENTICATED' });
    h.sms.failing = true;
    try {
      expect(await h.grpc.call('SendNotification', { userId: 'grpc-1', notificationType: 'sms', message: 'x' }, service)).toMatchObject({
        ok: false,
        status: 'UNAVAILABLE',
        reason: 'NOTIFICATION_PROVIDER_UNAVAILABLE',
      });
    } finally {
      h.sms.failing = false;
    }
  });
});
