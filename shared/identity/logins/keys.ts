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
 * Throttling counters: per username and per source address, per fixed window, apart for each
 * purpose (`login`: failed sign-ins; `reset`: password-reset mails asked for). The username
 * is hashed so that the counters do not keep a list of tried emails.
 */
export type ThrottlePurpose = 'login' | 'reset';

export const throttleKeys = {
  username: (email: string, window: number, purpose: ThrottlePurpose = 'login') => ({
    pk: `THROTTLE#${purpose}#user#${createHash('sha256').update(normalizeEmail(email)).digest('hex')}#${window}`,
    sk: 'THROTTLE',
  }),
  sourceIp: (ip: string, window: number, purpose: ThrottlePurpose = 'login') => ({ pk: `THROTTLE#${purpose}#ip#${ip}#${window}`, sk: 'THROTTLE' }),
};
