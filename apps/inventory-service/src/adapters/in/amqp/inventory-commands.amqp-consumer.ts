import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Public } from '#libs/auth';
import { DomainError } from '#libs/ddd';
import { ApiError } from '#libs/errors';
import { messagingTransportId, PermanentMessageError } from '#libs/messaging';
import { InventoryApi } from '../inventory.api.js';

/** inventory-service's name as a message consumer: its inbox rows and its transport id. */
export const INVENTORY_CONSUMER = 'inventory-service';

/** Failures that describe a moment, not the message: retried with backoff. */
const TRANSIENT_CODES: readonly string[] = ['CONCURRENT_MODIFICATION'];

/**
 * The saga's inventory commands from `oms.commands` (queue `inventory-service.commands`). Each runs
 * the same application command as the gRPC method of the same name, in the delivery's transaction
 * (inbox row, state change and reply commit together), and is answered with a reply on
 * `oms.replies`, also when it is a repeat. The payload is proto3 JSON of the request message.
 *
 * `@Public()`: the broker is the trust boundary here (only services publish to `oms.commands`);
 * deliveries carry no bearer token for the global guard to check.
 */
@Controller()
@Public()
export class InventoryCommandsAmqpConsumer {
  constructor(private readonly api: InventoryApi) {}

  @EventPattern('inventory.reserve', messagingTransportId(INVENTORY_CONSUMER))
  reserve(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.reserve(payload, 'message'));
  }

  @EventPattern('inventory.release', messagingTransportId(INVENTORY_CONSUMER))
  release(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.release(payload, 'message'));
  }

  @EventPattern('inventory.commit', messagingTransportId(INVENTORY_CONSUMER))
  commit(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.commit(payload, 'message'));
  }

  @EventPattern('inventory.restock', messagingTransportId(INVENTORY_CONSUMER))
  restock(@Payload() payload: unknown): Promise<void> {
    return handle(() => this.api.restock(payload, 'message'));
  }
}

/**
 * Runs a command; a failure that the same message would meet again (invalid payload, a conflict,
 * nothing to commit) becomes a PermanentMessageError, so it is dead-lettered at once instead of
 * retried. Anything else (database down, a lost race) is rethrown to be retried.
 */
async function handle(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isDeterministic(error)) throw new PermanentMessageError(`${(error as Error).message}`, { cause: error });
    throw error;
  }
}

function isDeterministic(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 'INVALID_ARGUMENT';
  return error instanceof DomainError && !TRANSIENT_CODES.includes(error.code);
}
