import { GatewayRetryPolicy, withGatewayRetry } from './gateway-retry.js';
import { GatewayUnavailableError } from './ports/card-gateway.port.js';

function failing(times: number, error: () => Error = () => new GatewayUnavailableError('busy')) {
  let calls = 0;
  const request = async (): Promise<string> => {
    calls += 1;
    if (calls <= times) throw error();
    return 'accepted';
  };
  return { request, calls: () => calls };
}

describe('withGatewayRetry', () => {
  const policy = new GatewayRetryPolicy(3, 1, 4);

  it('retries an unavailable gateway until it accepts', async () => {
    const gateway = failing(2);

    await expect(withGatewayRetry(policy, gateway.request)).resolves.toBe('accepted');
    expect(gateway.calls()).toBe(3);
  });

  it('gives up after the last attempt with the gateway error', async () => {
    const gateway = failing(3);

    await expect(withGatewayRetry(policy, gateway.request)).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(gateway.calls()).toBe(3);
  });

  it('does not retry any other error', async () => {
    const gateway = failing(1, () => new Error('bug'));

    await expect(withGatewayRetry(policy, gateway.request)).rejects.toThrow('bug');
    expect(gateway.calls()).toBe(1);
  });

  it('backs off exponentially up to the cap', () => {
    const backoff = new GatewayRetryPolicy(6, 100, 500);

    expect([2, 3, 4, 5, 6].map((n) => backoff.delayBefore(n))).toEqual([100, 200, 400, 500, 500]);
  });
});
