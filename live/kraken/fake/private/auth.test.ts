import { describe, expect, it } from 'vitest';
import { KrakenAuthenticator, krakenAuthent } from './auth.ts';

const SECRET = Buffer.from('an-api-secret').toString('base64');
const req = (nonce: string | undefined, secret = SECRET, apiKey = 'K') => ({
  apiKey,
  authent: krakenAuthent(secret, 'symbol=PF_XBTUSD', nonce ?? '', '/api/v3/sendorder'),
  nonce,
  postData: 'symbol=PF_XBTUSD',
  endpointPath: '/api/v3/sendorder',
});

describe('KrakenAuthenticator', () => {
  it('matches the documented example shape: base64 of a 64-byte HMAC-SHA512', () => {
    const a = krakenAuthent(SECRET, 'symbol=fi_xbtusd_180615', '1415957147987', '/api/v3/orderbook');
    expect(Buffer.from(a, 'base64')).toHaveLength(64);
  });

  it('accepts a correct signature without a nonce, refuses a wrong key, secret or tampered data', () => {
    const auth = new KrakenAuthenticator('K', SECRET);
    expect(auth.check(req(undefined))).toBeNull();
    expect(auth.check(req(undefined, SECRET, 'other'))).toBe('authenticationError');
    expect(auth.check(req(undefined, Buffer.from('wrong').toString('base64')))).toBe('authenticationError');
    expect(auth.check({ ...req(undefined), postData: 'symbol=PF_ETHUSD' })).toBe('authenticationError');
    expect(auth.check({ ...req(undefined), authent: undefined })).toBe('authenticationError');
  });

  it('strictly increasing nonces by default; a tolerance admits slightly late ones once', () => {
    const strict = new KrakenAuthenticator('K', SECRET);
    expect(strict.check(req('10'))).toBeNull();
    expect(strict.check(req('10'))).toBe('nonceDuplicate');
    expect(strict.check(req('9'))).toBe('nonceBelowThreshold');
    expect(strict.check(req('11'))).toBeNull();

    const lenient = new KrakenAuthenticator('K', SECRET, { nonceTolerance: 5 });
    expect(lenient.check(req('100'))).toBeNull();
    expect(lenient.check(req('97'))).toBeNull();
    expect(lenient.check(req('97'))).toBe('nonceDuplicate');
    expect(lenient.check(req('94'))).toBe('nonceBelowThreshold');
  });
});
