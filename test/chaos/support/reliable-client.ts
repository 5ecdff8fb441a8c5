import { sleep, type Replica } from '../../support/service-cluster.js';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, any>;
}

/**
 * A client that keeps its promises: a mutation is retried with the same idempotency key until the
 * service answers (a killed process, a reset or stalled connection and 503 are all "try again"),
 * so it always learns what happened, and never makes a second order by retrying.
 */
export async function reliably(
  replica: Replica,
  method: string,
  path: string,
  token: string,
  body: unknown,
  key: string,
  deadline = Date.now() + 120_000,
): Promise<Answer> {
  let last: string;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${replica.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      const answer = (await res.json()) as Record<string, any>;
      // A payment attempt that failed because the provider was down is that attempt's outcome
      // (the key remembers it); anything else 5xx is "try again".
      const reasons: string[] = (answer.error?.details ?? []).map((d: { reason?: string }) => d.reason);
      if (res.status < 500 || reasons.includes('PAYMENT_PROVIDER_UNAVAILABLE')) return { status: res.status, body: answer };
      last = `${res.status} ${JSON.stringify(answer).slice(0, 300)}`;
    } catch (error) {
      // connection refused or reset while the process is down, or no answer in time: try again
      last = String((error as Error).cause ?? error);
    }
    if (Date.now() > deadline) throw new Error(`${method} ${path} never answered; last: ${last}`);
    await sleep(200);
  }
}
