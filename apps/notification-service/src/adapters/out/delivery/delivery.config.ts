/** Where and how messages leave (from notification-service's configuration). */
export class DeliveryConfig {
  constructor(
    /** OMS_SMTP_URL, e.g. `smtp://127.0.0.1:2525`; unset: e-mail goes to the dev mailbox. */
    readonly smtpUrl: string | undefined,
    /** OMS_SMTP_FROM. */
    readonly smtpFrom: string,
    /** OMS_SMS_URL: the SMS provider's HTTP endpoint; unset: SMS goes to the dev mailbox. */
    readonly smsUrl: string | undefined,
    /** OMS_SMS_API_KEY, sent as a bearer token. */
    readonly smsApiKey: string | undefined,
    /** `<OMS_DATA_DIR>/mailbox`. */
    readonly mailboxDir: string,
    /** How long one provider call may take. */
    readonly timeoutMs = 10_000,
  ) {}
}
