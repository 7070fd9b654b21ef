import { scrypt, timingSafeEqual } from 'node:crypto';
import { BatchGetCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bareDb, json, notFound, objectOf, unique, type Scenario } from '#bench/scenarios/bare';
import { sessionAuthorizerContext, type BenchOrganization } from '#bench/support/environment';
import { auditItem } from '#shared/identity/audit/audit';
import { createLogin, logIn } from '#shared/identity/logins/login';
import { LOGIN_THROTTLE } from '#shared/identity/logins/throttle';
import { loginKeys, throttleKeys } from '#shared/identity/logins/keys';
import { totpKeys } from '#shared/identity/mfa/keys';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { sessionKeys } from '#shared/identity/sessions/keys';
import { REFRESH_TOKEN_SECONDS } from '#shared/identity/sessions/session';
import { ACCESS_TOKEN_SECONDS, hashToken, newRefreshToken, signAccessToken } from '#shared/identity/sessions/tokens';
import { userKeys } from '#shared/api/users/keys';
import { tableName } from '#shared/platform/config';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * The management API (/v1/): signing in, and calls with a session. A login's cost is mostly
 * its one scrypt derivation, so the bare login runs the same `scrypt` of `node:crypto` with the
 * parameters the stored hash names, and signs the same access token (the token is what a login
 * is for): what is left between the two is our code. An authenticated call's event carries the
 * context the real session authorizer gives for a real session, as the gateway passes it.
 */
const PASSWORD = 'correct horse battery staple bench';
/** The source address the bench's proxy events carry (bench/support/environment.ts). */
const SOURCE_IP = '127.0.0.1';
const USER_AGENT = 'osma-bench';

interface BenchLogin {
  email: string;
  loginId: string;
  userId: string;
  passwordUpdatedAt: string;
  /** The session authorizer's context for a fresh session of this login. */
  authorizer: Record<string, string>;
  accessToken: string;
}

const logins = new Map<string, Promise<BenchLogin>>();

/** A login for the organization's active user (one per organization), signed in once. */
export function benchLogin(org: BenchOrganization): Promise<BenchLogin> {
  let login = logins.get(org.organizationId);
  if (!login) {
    login = (async () => {
      const made = await createLogin({
        email: `bench.${unique()}@osma.bench`,
        password: PASSWORD,
        organizationId: org.organizationId,
        userId: org.users.active.id,
      });
      const answer = await logIn({ username: made.email, password: PASSWORD }, { ip: SOURCE_IP, userAgent: USER_AGENT });
      return {
        email: made.email,
        loginId: made.login_id,
        userId: made.user_id,
        passwordUpdatedAt: made.password_updated_at,
        accessToken: answer['access-token'],
        authorizer: await sessionAuthorizerContext(answer['access-token']),
      };
    })();
    logins.set(org.organizationId, login);
  }
  return login;
}

/** `scrypt$N$r$p$salt$key`, as shared/identity/passwords/hash.ts stores it. */
function parseStoredHash(stored: string) {
  const [, N, r, p, salt, key] = stored.split('$');
  const keyBytes = Buffer.from(key!, 'base64url');
  return { N: Number(N), r: Number(r), p: Number(p), salt: Buffer.from(salt!, 'base64url'), key: keyBytes };
}

function bareScrypt(password: string, hash: ReturnType<typeof parseStoredHash>): Promise<boolean> {
  const { N, r, p, salt, key } = hash;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, key.length, { N, r, p, maxmem: 128 * r * N * 2 }, (error, derived) =>
      error ? reject(error) : resolve(timingSafeEqual(derived, key)),
    ),
  );
}

const window = () => Math.floor(Date.now() / 1000 / LOGIN_THROTTLE.windowSeconds);

export const identityScenarios: Record<string, Scenario> = {
  logIn: {
    kind: 'change',
    async prepare(org) {
      const login = await benchLogin(org);
      const { Item: stored } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(login.email), ConsistentRead: true }));
      const hash = parseStoredHash(stored!.password_hash as string);
      return {
        kind: 'change',
        request: () => ({ body: { username: login.email, password: PASSWORD } }),
        parts: [{ label: `scrypt N=${hash.N} r=${hash.r} p=${hash.p}`, run: () => bareScrypt(PASSWORD, hash) }],
        async bare(request) {
          const { username, password } = request.body as { username: string; password: string };
          const table = tableName();
          // The throttle's two counters, then the login.
          const counters = [throttleKeys.username(username, window()), throttleKeys.sourceIp(SOURCE_IP, window())];
          const { Responses } = await bareDb().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: counters, ConsistentRead: true } } }));
          const count = (key: { pk: string }) => Number(Responses?.[table]?.find((item) => item.pk === key.pk)?.count ?? 0);
          if (count(counters[0]!) >= LOGIN_THROTTLE.perUsername || count(counters[1]!) >= LOGIN_THROTTLE.perSourceIp) return json(429, { errors: [] });
          const { Item } = await bareDb().send(new GetCommand({ TableName: table, Key: loginKeys.byEmail(username), ConsistentRead: true }));
          if (!Item || !(await bareScrypt(password, parseStoredHash(Item.password_hash as string)))) return json(401, { errors: [] });
          const userKey = userKeys.key(Item.organization_id as string, Item.user_id as string);
          const organizationKey = organizationKeys.key(Item.organization_id as string);
          // Both at once, as the real one asks them (the capture lists the batch first there too).
          const [{ Responses: found }, { Item: totp }] = await Promise.all([
            bareDb().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [userKey, organizationKey], ConsistentRead: true } } })),
            bareDb().send(new GetCommand({ TableName: table, Key: totpKeys.enabled(Item.login_id as string), ConsistentRead: true })),
          ]);
          const user = found?.[table]?.find((item) => item.sk === userKey.sk);
          if (totp || !user || user.status !== 'active') return json(403, { errors: [] });
          const now = new Date();
          const expiresAt = Math.floor(now.getTime() / 1000) + REFRESH_TOKEN_SECONDS.default;
          const session = {
            session_id: newId('session'),
            user_id: Item.user_id,
            organization_id: Item.organization_id,
            login_id: Item.login_id,
            email: Item.email,
            roles: (user.role_ids as string[] | undefined) ?? [],
            amr: ['pwd'],
            status: 'active',
            generation: 1,
            created_at: timestamp(now),
            expiration_time: timestamp(new Date(expiresAt * 1000)),
            expires_at: expiresAt,
            source_ip: SOURCE_IP,
            user_agent: USER_AGENT,
          };
          const refreshToken = newRefreshToken();
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: loginKeys.byEmail(username),
                    ConditionExpression: 'password_updated_at = :seen',
                    ExpressionAttributeValues: { ':seen': Item.password_updated_at },
                  },
                },
                { Put: { TableName: table, Item: { ...sessionKeys.session(session.session_id), entity: 'session', ...session } } },
                {
                  Put: {
                    TableName: table,
                    Item: { ...sessionKeys.refreshToken(hashToken(refreshToken)), entity: 'refresh_token', session_id: session.session_id, generation: 1, expires_at: expiresAt },
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { ...sessionKeys.ofLogin(session.login_id as string, session.session_id), entity: 'login_session', session_id: session.session_id, created_at: session.created_at, expires_at: expiresAt },
                  },
                },
                {
                  Update: {
                    TableName: table,
                    Key: userKey,
                    UpdateExpression: 'SET last_login_time = :now',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':now': session.created_at },
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: auditItem({
                      organizationId: session.organization_id as string,
                      action: 'login.succeeded',
                      actor: { type: 'user', id: session.user_id as string },
                      target: { type: 'session', id: session.session_id },
                      ip: SOURCE_IP,
                      userAgent: USER_AGENT,
                    }),
                  },
                },
              ],
            }),
          );
          const claims = { userId: session.user_id as string, organizationId: session.organization_id as string, sessionId: session.session_id, roles: session.roles, email: session.email as string, amr: session.amr };
          return json(201, {
            'access-token': await signAccessToken(claims, ACCESS_TOKEN_SECONDS.default),
            'refresh-token': refreshToken,
            'token-type': 'Bearer',
            'expires-in': ACCESS_TOKEN_SECONDS.default,
            'refresh-expires-in': REFRESH_TOKEN_SECONDS.default,
            'session-id': session.session_id,
            'user-id': session.user_id,
            username: session.email,
            email: session.email,
            'first-name': user.first_name ?? null,
            'last-name': user.last_name ?? null,
            organizations: [session.organization_id],
          });
        },
      };
    },
  },

  authenticate: {
    kind: 'static',
    async prepare(org) {
      const login = await benchLogin(org);
      return {
        kind: 'static',
        request: () => ({ authorizer: login.authorizer, headers: { authorization: `Bearer ${login.accessToken}` } }),
        async bare(request) {
          const context = request.authorizer!;
          return json(201, {
            data: {
              email: context.email,
              'organization-id': context.organization_id,
              roles: context.roles ? context.roles.split(',') : [],
              'session-id': context.session_id,
              'user-id': context.user_id,
            },
          });
        },
      };
    },
  },

  getOrganization: {
    kind: 'getOne',
    async prepare(org) {
      const login = await benchLogin(org);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: org.organizationId }, authorizer: login.authorizer, headers: { authorization: `Bearer ${login.accessToken}` } }),
        async bare(request) {
          const id = request.pathParameters!.id!;
          if (id !== request.authorizer?.organization_id) return notFound();
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: organizationKeys.key(id) }));
          if (!Item) return notFound();
          const { id: _, ...attributes } = objectOf(Item);
          return json(200, { data: { type: 'organizations', id, attributes }, meta: {} });
        },
      };
    },
  },
};
