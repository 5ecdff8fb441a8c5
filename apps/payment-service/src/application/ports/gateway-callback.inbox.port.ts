/**
 * Remembers which gateway callbacks were applied, so a replayed callback changes nothing. The
 * record joins the ambient transaction: if applying the callback fails, it is forgotten again
 * and the gateway's next delivery is applied.
 */
export abstract class GatewayCallbackInbox {
  /** Records `callbackId`; false when it was recorded before (a replay). */
  abstract claim(callbackId: string, paymentId: string): Promise<boolean>;
}
