import { createHash } from 'node:crypto';

/**
 * Login identities: one per email across the platform, apart from the membership (the user
 * in one organization). Emails compare case-insensitively and ignoring surrounding spaces.
 * SDK-free: the CDK reads it.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const loginKeys = {
  byEmail: (email: string) => ({ pk: `LOGIN#${normalizeEmail(email)}`, sk: 'LOGIN' }),
};

/**
 * Failed-login counters: per username and per source address, per fixed window. The username
 * is hashed so that the counters do not keep a list of tried emails.
 */
export const throttleKeys = {
  username: (email: string, window: number) => ({
    pk: `THROTTLE#login#user#${createHash('sha256').update(normalizeEmail(email)).digest('hex')}#${window}`,
    sk: 'THROTTLE',
  }),
  sourceIp: (ip: string, window: number) => ({ pk: `THROTTLE#login#ip#${ip}#${window}`, sk: 'THROTTLE' }),
};
