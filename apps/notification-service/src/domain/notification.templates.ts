import type { OrderNotificationKind } from './notification-kind.js';

/** Subject and body of a message; SMS sends the body only. */
export interface MessageContent {
  readonly subject: string;
  readonly body: string;
}

/** What a template may mention. */
export interface OrderFacts {
  readonly orderId: string;
  /** The order's status reason, e.g. INSUFFICIENT_STOCK, or the customer's own words. */
  readonly reason?: string;
  /** The payment deadline (reminders). */
  readonly deadline?: Date;
}

/** Subject of every status notice (the seed's example). */
export const STATUS_SUBJECT = 'Order Status Update';
export const REMINDER_SUBJECT = 'Payment Reminder';

/** Plain words for the reasons the system itself gives. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  INSUFFICIENT_STOCK: 'some items are out of stock',
  PAYMENT_TIMEOUT: 'no payment was received in time',
  CAPTURE_FAILED: 'the payment could not be completed',
};

const MAX_REASON_LENGTH = 200;

/**
 * The message of an order notification. The payment-captured text is the seed's, word for word;
 * the others follow it. A reason the system gave is shown as its code and in words; a reason the
 * customer typed is shown as typed, on one line and shortened.
 */
export function renderOrderNotification(kind: OrderNotificationKind, facts: OrderFacts): MessageContent {
  const id = facts.orderId;
  switch (kind) {
    case 'PAYMENT_CAPTURED':
      return { subject: STATUS_SUBJECT, body: `Your order ${id} has been successfully paid.` };
    case 'ORDER_CANCELED':
      return { subject: STATUS_SUBJECT, body: `Your order ${id} has been canceled.${reasonSentence(facts.reason)}` };
    case 'ORDER_REFUNDED':
      return { subject: STATUS_SUBJECT, body: `Your order ${id} has been refunded.${reasonSentence(facts.reason)}` };
    case 'PAYMENT_REMINDER': {
      const by = facts.deadline ? ` by ${facts.deadline.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : ' soon';
      return {
        subject: REMINDER_SUBJECT,
        body: `Your order ${id} is reserved and awaiting payment. Please pay${by}, or it will be canceled.`,
      };
    }
  }
}

function reasonSentence(reason: string | undefined): string {
  const text = oneLine(reason ?? '');
  if (!text) return '';
  const words = REASON_TEXT[text];
  return words ? ` Reason: ${text} (${words}).` : ` Reason: ${text}`.replace(/([^.!?])$/, '$1.');
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
}
