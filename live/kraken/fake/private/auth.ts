import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Kraken Futures request authentication, as the fake exchange checks it (docs.kraken.com "Futures REST —
 * Authentication"): a private request carries `APIKey`, `Authent` and optionally `Nonce`, where
 *
 *   Authent = base64( HMAC-SHA512( base64decode(secret), SHA-256(postData + nonce + endpointPath) ) )
 *
 * `postData` is the url-encoded parameter string exactly as sent (the body when there is one, else the
 * query string — ccxt sends every parameter in the query string), `endpointPath` the path without
 * `/derivatives` (`/api/v3/sendorder`). The nonce is optional (ccxt sends none); when one is sent it must
 * be an integer above every nonce already accepted for the key, within a tolerance window.
 */

/** The error codes Kraken answers a refused request with (ccxt: AuthenticationError, InvalidNonce). */
export type AuthFailure = 'authenticationError' | 'nonceBelowThreshold' | 'nonceDuplicate';

export interface AuthRequest {
  apiKey: string | undefined;
  authent: string | undefined;
  nonce: string | undefined;
  postData: string;
  endpointPath: string;
}

/** The `Authent` header value for a request (what ccxt's `sign()` computes). */
export function krakenAuthent(
  secretBase64: string,
  postData: string,
  nonce: string,
  endpointPath: string,
): string {
  const digest = createHash('sha256')
    .update(postData + nonce + endpointPath, 'utf8')
    .digest();
  return createHmac('sha512', Buffer.from(secretBase64, 'base64')).update(digest).digest('base64');
}

export interface AuthenticatorOptions {
  /**
   * How far below the highest accepted nonce a new nonce may be and still pass (Kraken "tolerates nonces
   * that are out of order for a brief period"). 0 = strictly increasing. A repeated nonce is always refused.
   */
  nonceTolerance?: number;
}

/** Checks requests against one API key pair. Keeps the nonce history of the key. */
export class KrakenAuthenticator {
  private readonly apiKey: string;
  private readonly secret: Buffer;
  private readonly tolerance: bigint;
  private highest: bigint | null = null;
  /** Nonces accepted inside the tolerance window (duplicates are refused). */
  private readonly recent = new Set<bigint>();

  constructor(apiKey: string, secretBase64: string, opts: AuthenticatorOptions = {}) {
    this.apiKey = apiKey;
    this.secret = Buffer.from(secretBase64, 'base64');
    if (this.secret.length === 0)
      throw new Error('the fake exchange API secret is empty after base64 decoding');
    this.tolerance = BigInt(opts.nonceTolerance ?? 0);
  }

  /** null when the request is authentic (and its nonce, if any, is recorded), else Kraken's error code. */
  check(req: AuthRequest): AuthFailure | null {
    if (req.apiKey === undefined || req.authent === undefined) return 'authenticationError';
    if (!constantTimeEqual(req.apiKey, this.apiKey)) return 'authenticationError';
    const nonce = req.nonce ?? '';
    const digest = createHash('sha256')
      .update(req.postData + nonce + req.endpointPath, 'utf8')
      .digest();
    const expected = createHmac('sha512', this.secret).update(digest).digest('base64');
    if (!constantTimeEqual(req.authent, expected)) return 'authenticationError';
    if (nonce === '') return null;
    if (!/^\d{1,30}$/.test(nonce)) return 'nonceBelowThreshold';
    return this.acceptNonce(BigInt(nonce));
  }

  private acceptNonce(n: bigint): AuthFailure | null {
    if (this.highest !== null && n < this.highest - this.tolerance) return 'nonceBelowThreshold';
    if (this.recent.has(n)) return 'nonceDuplicate';
    this.recent.add(n);
    if (this.highest === null || n > this.highest) this.highest = n;
    const floor = this.highest - this.tolerance;
    for (const r of this.recent) if (r < floor) this.recent.delete(r);
    return null;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
