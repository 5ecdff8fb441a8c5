import { verifyCallbackSignature, type SignatureProblem } from '../../gateway-webhook.contract.js';

/** Checks gateway callback signatures with the shared webhook secret, against the current time. */
export class GatewayCallbackVerifier {
  constructor(
    private readonly secret: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** `null` when `rawBody` carries a valid, fresh signature; otherwise why not. */
  problemWith(rawBody: Buffer, header: string | undefined): SignatureProblem | null {
    return verifyCallbackSignature(this.secret, rawBody, header, this.nowSeconds());
  }
}
