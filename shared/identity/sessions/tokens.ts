import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { currentSecretKey, secretKeyById } from '#shared/platform/secrets';

/**
 * Access tokens are short-lived JWTs (HS256, with `jose`), signed with a key derived from the
 * platform's root secret and named by `kid`, so a rotated root secret still verifies the tokens
 * it signed until they expire. They carry who is calling; whether the session still holds is
 * the authorizer's question to the table. Refresh tokens are opaque random strings, stored only
 * as their SHA-256.
 */
const ISSUER = 'osma';
const AUDIENCE = 'osma-management';
export const ACCESS_TOKEN_SECONDS = { default: 900, max: 3600 } as const;

export interface AccessClaims {
  userId: string;
  organizationId: string;
  sessionId: string;
  roles: string[];
  email: string;
  /** How the session was authenticated: `pwd`, and `otp` when a TOTP code was given. */
  amr: string[];
}

export async function signAccessToken(claims: AccessClaims, lifetimeSeconds: number): Promise<string> {
  const { id, key } = await currentSecretKey('access-token');
  return new SignJWT({ org: claims.organizationId, sid: claims.sessionId, roles: claims.roles, email: claims.email, amr: claims.amr })
    .setProtectedHeader({ alg: 'HS256', kid: id, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(key);
}

/** The claims of a valid, unexpired token signed by us, or undefined for anything else. */
export async function verifyAccessToken(token: string): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(
      token,
      async ({ kid }) => {
        const key = kid ? await secretKeyById('access-token', kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] },
    );
    return claimsOf(payload);
  } catch {
    return undefined;
  }
}

function claimsOf(payload: JWTPayload): AccessClaims | undefined {
  const { sub, org, sid, roles, email, amr } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || typeof org !== 'string' || typeof sid !== 'string') return undefined;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  return { userId: sub, organizationId: org, sessionId: sid, roles: strings(roles), email: typeof email === 'string' ? email : '', amr: strings(amr) };
}

/** 256 random bits: the refresh token, shown once, kept only as its hash. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
