import { SMTPServer } from 'smtp-server';

/** One message as the local SMTP server received it. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly messageId: string;
  /** The text body, transfer encoding undone. */
  readonly text: string;
  readonly raw: string;
}

/** What the server answers to RCPT TO: accept, or refuse temporarily (451) or for good (550). */
export type SmtpMode = 'accept' | 'tempfail' | 'permfail';

/**
 * A real SMTP server (the `smtp-server` package) on an ephemeral loopback port, for tests: keeps
 * every message it accepted, can refuse recipients, and can be stopped and started again on the
 * same port to play an outage.
 */
export class LocalSmtpServer {
  readonly mails: ReceivedMail[] = [];
  /** Per-recipient answer; others get `mode`. */
  readonly modeFor = new Map<string, SmtpMode>();
  mode: SmtpMode = 'accept';
  /** RCPT TO commands answered with an error. */
  refusals = 0;
  private server?: SMTPServer;

  private constructor(public port: number) {}

  static async start(): Promise<LocalSmtpServer> {
    const smtp = new LocalSmtpServer(0);
    await smtp.listen();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails to `address`. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address.toLowerCase()));
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const mode = this.modeFor.get(address.address.toLowerCase()) ?? this.mode;
        if (mode === 'accept') return callback();
        this.refusals += 1;
        const error = Object.assign(new Error(mode === 'tempfail' ? 'Try again later' : 'Mailbox unavailable'), {
          responseCode: mode === 'tempfail' ? 451 : 550,
        });
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.mails.push(parseMail(raw, session.envelope.mailFrom ? session.envelope.mailFrom.address : '', session.envelope.rcptTo.map((r) => r.address.toLowerCase())));
          callback();
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
    this.port = address.port;
    this.server = server;
  }

  /** Stops listening (an outage); `listen()` starts again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Just enough RFC 5322 for tests: unfolded headers, and a 7bit, quoted-printable or base64 text body. */
function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') {
    text = Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { from, to, subject: header('Subject'), messageId: header('Message-ID'), text: text.replace(/\r?\n$/, ''), raw };
}
