import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { osmaSignature } from '#shared/api/webhooks/signing';
import { constructEvent, generateWebhookSecret, OsmaSignatureVerificationError, signPayload } from '../../sdk/src/webhooks.ts';

const stripe = new Stripe('sk_test_unused');
const body = JSON.stringify({ id: 'evt_1', event: 'tasks.created', created_at: '2026-01-01T00:00:00.000000+00:00', data: { id: 'task_1' } });
const secret = generateWebhookSecret();
const now = Date.now();
const t = Math.floor(now / 1000);

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OsmaSignatureVerificationError);
    return (error as Error).message;
  }
  throw new Error('expected a verification failure');
};

describe('signPayload', () => {
  it('writes the bytes the platform signer writes, for one secret and for two', () => {
    const older = generateWebhookSecret();
    expect(signPayload(body, secret, t)).toBe(osmaSignature({ timestamp: t, body, secrets: [secret] }));
    expect(signPayload(body, [secret, older], t)).toBe(osmaSignature({ timestamp: t, body, secrets: [secret, older] }));
  });

  it('makes whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('constructEvent', () => {
  it('returns the event for a good signature, as Stripe does', () => {
    const header = signPayload(body, secret, t);
    expect(constructEvent(body, header, secret, 300, now)).toEqual(JSON.parse(body));
    expect(constructEvent(Buffer.from(body), header, secret)).toEqual(JSON.parse(body));
    expect(stripe.webhooks.constructEvent(body, header, secret)).toEqual(JSON.parse(body));
  });

  it('refuses a tampered body', () => {
    const header = signPayload(body, secret, t);
    expect(failure(() => constructEvent(body.replace('task_1', 'task_2'), header, secret))).toMatch(/^No signatures found matching/);
    expect(() => stripe.webhooks.constructEvent(body.replace('task_1', 'task_2'), header, secret)).toThrow(/No signatures found matching/);
  });

  it('refuses the wrong secret, and a changed timestamp', () => {
    expect(failure(() => constructEvent(body, signPayload(body, generateWebhookSecret(), t), secret))).toMatch(/^No signatures found matching/);
    const moved = signPayload(body, secret, t).replace(`t=${t}`, `t=${t - 1}`);
    expect(failure(() => constructEvent(body, moved, secret))).toMatch(/^No signatures found matching/);
  });

  it('accepts any of several v1 values, in any place', () => {
    const other = generateWebhookSecret();
    expect(constructEvent(body, signPayload(body, [other, secret], t), secret).id).toBe('evt_1');
    expect(constructEvent(body, signPayload(body, [secret, other], t), secret).id).toBe('evt_1');
    expect(constructEvent(body, `${signPayload(body, secret, t)},v0=abc,v1=dead`, secret).id).toBe('evt_1');
  });

  it('refuses a timestamp older than the tolerance, accepts one at the edge, and 0 skips the check', () => {
    expect(constructEvent(body, signPayload(body, secret, t - 300), secret, 300, now).id).toBe('evt_1');
    expect(failure(() => constructEvent(body, signPayload(body, secret, t - 301), secret, 300, now))).toBe('Timestamp outside the tolerance zone');
    expect(failure(() => constructEvent(body, signPayload(body, secret, t - 11), secret, 10, now))).toBe('Timestamp outside the tolerance zone');
    expect(constructEvent(body, signPayload(body, secret, t - 100_000), secret, 0, now).id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(body, signPayload(body, secret, t - 400), secret)).toThrow('Timestamp outside the tolerance zone');
  });

  it('fails as Stripe fails on missing or malformed input', () => {
    expect(failure(() => constructEvent('', 't=1,v1=a', secret))).toBe('No webhook payload was provided.');
    expect(failure(() => constructEvent(body, undefined, secret))).toBe('No osma-signature header value was provided.');
    expect(failure(() => constructEvent(body, '', secret))).toBe('No osma-signature header value was provided.');
    expect(failure(() => constructEvent(body, 'v1=abc', secret))).toBe('Unable to extract timestamp and signatures from header');
    expect(failure(() => constructEvent(body, 'garbage', secret))).toBe('Unable to extract timestamp and signatures from header');
    expect(failure(() => constructEvent(body, `t=${t},v0=abc`, secret))).toBe('No signatures found with expected scheme');
    expect(failure(() => constructEvent(body, signPayload(body, secret, t), ''))).toMatch(/^No webhook secret value was provided/);
    for (const header of ['v1=abc', 'garbage', `t=${t},v0=abc`]) {
      const ours = failure(() => constructEvent(body, header, secret));
      expect(() => stripe.webhooks.constructEvent(body, header, secret)).toThrow(ours);
    }
  });
});

describe('Osma.webhooks', () => {
  it('is the same helper on the client class, as Stripe.webhooks is', async () => {
    const { Osma } = await import('../../sdk/src/index.ts');
    const header = signPayload(body, secret, Math.floor(Date.now() / 1000));
    expect(Osma.webhooks.constructEvent(body, header, secret, 300)).toMatchObject({ id: 'evt_1', event: 'tasks.created' });
    expect(() => Osma.webhooks.constructEvent(`${body} `, header, secret, 300)).toThrow(OsmaSignatureVerificationError);
  });
});
