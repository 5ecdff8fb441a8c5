import { Logger } from '@nestjs/common';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSmsProvider } from '../../../../test/support/local-sms.provider.js';
import { LocalSmtpServer } from '../../../../test/support/local-smtp.server.js';
import { DeliveryError, type OutgoingMessage } from '../../../application/ports/notification-sender.port.js';
import { DevMailbox, MailboxEmailTransport, MailboxSmsTransport } from './dev-mailbox.transport.js';
import { HttpSmsTransport } from './http-sms.transport.js';
import { SmtpEmailTransport } from './smtp-email.transport.js';

const mail: OutgoingMessage = { notificationId: 'n-1', channel: 'email', to: 'alice@example.com', subject: 'Order Status Update', body: 'Your order o-1 has been successfully paid.' };
const sms: OutgoingMessage = { ...mail, channel: 'sms', to: '+14155550123', subject: '' };

beforeAll(() => Logger.overrideLogger(false));

describe('the dev mailbox (OMS_SMTP_URL / OMS_SMS_URL unset)', () => {
  it('writes each e-mail as an .eml file and each SMS as a .sms.json file', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'oms-mailbox-')), 'mailbox');
    try {
      const mailbox = new DevMailbox(dir, 'OMS <no-reply@oms.local>');
      expect(await new MailboxEmailTransport(mailbox).send(mail)).toEqual({ providerMessageId: '<n-1@notification-service.oms>' });
      const { providerMessageId } = await new MailboxSmsTransport(mailbox).send(sms);
      const files = (await readdir(dir)).sort();
      expect(files).toEqual([expect.stringMatching(/-n-1\.eml$/), expect.stringMatching(/-n-1\.sms\.json$/)]);
      const eml = await readFile(join(dir, files[0]!), 'utf8');
      expect(eml).toMatch(/^To: alice@example.com$/m);
      expect(eml).toMatch(/^Subject: Order Status Update$/m);
      expect(eml).toContain('Your order o-1 has been successfully paid.');
      expect(JSON.parse(await readFile(join(dir, files[1]!), 'utf8'))).toMatchObject({ to: '+14155550123', message: mail.body });
      expect(providerMessageId).toBe(`mailbox:${join(dir, files[1]!)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SmtpEmailTransport', () => {
  it('hands the message to the SMTP server, and reports a refusal or an outage as a DeliveryError', async () => {
    const server = await LocalSmtpServer.start();
    try {
      const transport = new SmtpEmailTransport(server.url, 'OMS <no-reply@oms.local>', 2000);
      expect(await transport.send(mail)).toEqual({ providerMessageId: '<n-1@notification-service.oms>' });
      expect(server.to('alice@example.com')).toMatchObject([{ subject: 'Order Status Update', text: mail.body, messageId: '<n-1@notification-service.oms>' }]);
      server.mode = 'permfail';
      await expect(transport.send(mail)).rejects.toThrow(/SMTP 550/);
      await server.stop();
      await expect(transport.send(mail)).rejects.toBeInstanceOf(DeliveryError);
    } finally {
      await server.stop();
    }
  });
});

describe('HttpSmsTransport', () => {
  it('POSTs {to, message} with the bearer key and keeps the provider id; a non-2xx is a DeliveryError', async () => {
    const provider = await LocalSmsProvider.start('key-1');
    try {
      expect(await new HttpSmsTransport(provider.url, 'key-1', 2000).send(sms)).toEqual({ providerMessageId: 'sms-1' });
      expect(provider.received).toEqual([{ to: '+14155550123', message: mail.body, authorization: 'Bearer key-1', idempotencyKey: 'n-1', id: 'sms-1' }]);
      await expect(new HttpSmsTransport(provider.url, 'wrong', 2000).send(sms)).rejects.toThrow(/HTTP 401/);
      provider.failing = true;
      await expect(new HttpSmsTransport(provider.url, 'key-1', 2000).send(sms)).rejects.toThrow(/HTTP 503/);
    } finally {
      await provider.stop();
    }
    await expect(new HttpSmsTransport(provider.url, 'key-1', 500).send(sms)).rejects.toThrow(/SMS provider unreachable/);
  });
});
