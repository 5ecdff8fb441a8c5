/** The ways a notification reaches a customer, spelled as the APIs spell them. */
export const CHANNELS = ['email', 'sms'] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}
