/**
 * Base of every domain error. Adapters map {@link DomainError.code} to a transport status
 * and the idempotency store replays an error by it, so a code never changes once published.
 */
export abstract class DomainError extends Error {
  /** Stable UPPER_SNAKE identifier of the failure, e.g. `ORDER_NOT_PAYABLE`. */
  abstract readonly code: string;
  /** Machine-readable context (ErrorInfo metadata); never secrets or card data. */
  readonly details: Readonly<Record<string, string>>;

  constructor(message: string, details: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = Object.freeze({ ...details });
  }
}
