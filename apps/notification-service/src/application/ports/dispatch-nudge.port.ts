/**
 * Tells the dispatcher that a notification became due now, so it need not wait for its next poll.
 * Only a hint: the poll finds everything anyway.
 */
export abstract class DispatchNudge {
  abstract nudge(): void;
}
