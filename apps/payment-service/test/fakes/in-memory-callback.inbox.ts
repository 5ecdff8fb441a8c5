import { GatewayCallbackInbox } from '../../src/application/ports/gateway-callback.inbox.port.js';
import type { Transactional } from './in-memory-unit-of-work.js';

/** The GatewayCallbackInbox port in memory; a rolled-back claim is forgotten. */
export class InMemoryCallbackInbox extends GatewayCallbackInbox implements Transactional {
  claimed = new Set<string>();

  async claim(callbackId: string): Promise<boolean> {
    if (this.claimed.has(callbackId)) return false;
    this.claimed.add(callbackId);
    return true;
  }

  checkpoint(): () => void {
    const saved = new Set(this.claimed);
    return () => {
      this.claimed = saved;
    };
  }
}
