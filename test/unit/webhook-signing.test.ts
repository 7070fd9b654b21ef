import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  isSecret,
  osmaSignature,
  signatureHeaders,
  standardSignature,
  verifyOsmaSignature,
} from '#shared/api/webhooks/signing';

const stripe = new Stripe('sk_test_unused');
const body = JSON.stringify({ id: 'evt_1', event: 'tasks.completed', created_at: '2024-01-01T00:00:00.000000+00:00', data: { id: 'task_1' } });
const now = () => Math.floor(Date.now() / 1000);

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 random bytes, different each time', () => {
    // Act
    const secrets = [generateSecret(), generateSecret()];

    // Assess
    for (const secret of secrets) {
      expect(isSecret(secret)).toBe(true);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});

describe('delivery signatures', () => {
  it('verify with Stripe constructEvent (osma-signature) and Standard Webhooks (webhook-*) using the same secret', () => {
    // Prepare
    const secret = generateSecret();

    // Act
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now(), body, secrets: [secret] });

    // Assess
    expect(Object.keys(headers).sort()).toEqual(['osma-signature', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['osma-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(stripe.webhooks.constructEvent(body, headers['osma-signature']!, secret)).toEqual(JSON.parse(body));
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(verifyOsmaSignature(headers['osma-signature']!, body, secret)).toBe(true);
  });

  it('signs "<t>.<body>" keyed by the secret string, and "<id>.<t>.<body>" keyed by its decoded bytes', () => {
    // Prepare
    const secret = generateSecret();
    const t = 1_700_000_000;

    // Act
    const osma = osmaSignature({ timestamp: t, body, secrets: [secret] });
    const standard = standardSignature({ id: 'evt_1', timestamp: t, body, secrets: [secret] });

    // Assess
    expect(osma).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`);
    const key = Buffer.from(secret.slice(6), 'base64');
    expect(standard).toBe(`v1,${createHmac('sha256', key).update(`evt_1.${t}.${body}`).digest('base64')}`);
  });

  it('carries one signature per secret during a rotation, and each secret verifies with both libraries', () => {
    // Prepare
    const [current, previous] = [generateSecret(), generateSecret()];

    // Act
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now(), body, secrets: [current, previous] });

    // Assess
    expect(headers['osma-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) {
      expect(() => stripe.webhooks.constructEvent(body, headers['osma-signature']!, secret)).not.toThrow();
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
  });

  it('fails for another secret, a changed body and an old timestamp', () => {
    // Prepare
    const secret = generateSecret();
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now(), body, secrets: [secret] });
    const stale = signatureHeaders({ id: 'evt_1', timestamp: now() - 3600, body, secrets: [secret] });
    const tampered = body.replace('task_1', 'task_2');

    // Act / Assess
    expect(() => stripe.webhooks.constructEvent(body, headers['osma-signature']!, generateSecret())).toThrow();
    expect(() => stripe.webhooks.constructEvent(tampered, headers['osma-signature']!, secret)).toThrow();
    expect(() => stripe.webhooks.constructEvent(body, stale['osma-signature']!, secret)).toThrow(/tolerance/);
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, stale)).toThrow();
    expect(verifyOsmaSignature(headers['osma-signature']!, body, generateSecret())).toBe(false);
    expect(verifyOsmaSignature(headers['osma-signature']!, tampered, secret)).toBe(false);
    expect(verifyOsmaSignature(stale['osma-signature']!, body, secret)).toBe(false);
    expect(verifyOsmaSignature('garbage', body, secret)).toBe(false);
  });
});
