import { runInNewContext } from 'node:vm';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CLOUDFRONT_FUNCTION_MAX_BYTES, cookieSessionFunctionCode } from '#infra/http/cookie-session-function';
import {
  cookieSessionAtOrigin,
  parseCookies,
  plainHttpToLoopback,
  setCookie,
  type OriginRequest,
} from '#shared/http/cookie-session';
import { HttpAnswer } from '#shared/http/handler';
import type { RouteDefinition } from '#shared/http/route';
import { identityPlane } from '#shared/identity/plane';
import type { IssuedTokens } from '#shared/identity/sessions/session';
import {
  identityHandler,
  refreshAnswer,
  refreshTokenOf,
  signInAnswer,
  signOutAnswer,
  type BrowserClient,
} from '#shared/identity/surface';

const ORIGIN = 'https://dashboard.osma.test';
const CSRF = 'c'.repeat(43);

/** A call the dashboard's page makes with its cookies, changed by `overrides`. */
function pageRequest(overrides: { method?: string; headers?: OriginRequest['headers']; cookies?: OriginRequest['cookies'] } = {}): OriginRequest {
  return {
    method: overrides.method ?? 'PATCH',
    headers: { host: 'dashboard.osma.test', 'x-csrf-token': CSRF, ...overrides.headers },
    cookies: { osma_session: 'access-jwt', osma_csrf: CSRF, ...overrides.cookies },
    origin: ORIGIN,
  };
}

describe('the session cookie at the origin', () => {
  it('turns the session cookie into the bearer token, for a read without any CSRF proof', () => {
    const verdict = cookieSessionAtOrigin(pageRequest({ method: 'GET', headers: { 'x-csrf-token': undefined } }));

    expect(verdict).toEqual({ refuse: false, authorization: 'Bearer access-jwt' });
  });

  it('lets a state-changing call through when its x-csrf-token equals the osma_csrf cookie and it comes from the origin', () => {
    expect(cookieSessionAtOrigin(pageRequest())).toEqual({ refuse: false, authorization: 'Bearer access-jwt' });
    expect(
      cookieSessionAtOrigin(pageRequest({ method: 'delete', headers: { origin: ORIGIN, 'sec-fetch-site': 'same-origin' } })),
    ).toEqual({ refuse: false, authorization: 'Bearer access-jwt' });
  });

  it('refuses a state-changing call without the CSRF header, with another value, or without the CSRF cookie', () => {
    expect(cookieSessionAtOrigin(pageRequest({ headers: { 'x-csrf-token': undefined } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ method: 'POST', headers: { 'x-csrf-token': 'd'.repeat(43) } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ method: 'PUT', cookies: { osma_csrf: undefined } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ headers: { 'x-csrf-token': '' }, cookies: { osma_csrf: '' } })).refuse).toBe(true);
  });

  it('refuses a state-changing call from another origin or site, even with the right CSRF token', () => {
    expect(cookieSessionAtOrigin(pageRequest({ headers: { origin: 'https://evil.example' } })).refuse).toBe(true);
    // A sibling subdomain is the same site (SameSite lets it through) but not the same origin.
    expect(cookieSessionAtOrigin(pageRequest({ headers: { origin: 'https://blog.osma.test' } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ headers: { origin: 'null' } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ headers: { 'sec-fetch-site': 'same-site' } })).refuse).toBe(true);
    expect(cookieSessionAtOrigin(pageRequest({ headers: { 'sec-fetch-site': 'cross-site' } })).refuse).toBe(true);
  });

  it('checks a refresh that carries only the refresh cookie, and adds no header to it', () => {
    const refresh = { osma_session: undefined, osma_refresh: 'refresh-token' };

    expect(cookieSessionAtOrigin(pageRequest({ method: 'POST', cookies: refresh }))).toEqual({ refuse: false, authorization: undefined });
    expect(cookieSessionAtOrigin(pageRequest({ method: 'POST', cookies: refresh, headers: { 'x-csrf-token': undefined } })).refuse).toBe(true);
  });

  it('leaves alone a call that names its own token, or carries no session cookie', () => {
    const bearer = pageRequest({ headers: { authorization: 'Bearer own', 'x-csrf-token': undefined, origin: 'https://elsewhere.example' } });
    const anonymous = pageRequest({ method: 'POST', headers: { 'x-csrf-token': undefined }, cookies: { osma_session: undefined } });

    expect(cookieSessionAtOrigin(bearer)).toEqual({ refuse: false, authorization: undefined });
    expect(cookieSessionAtOrigin(anonymous)).toEqual({ refuse: false, authorization: undefined });
  });
});

describe('cookies', () => {
  it('parses a Cookie header; the first of a repeated name wins, and any name is only a name', () => {
    const cookies = parseCookies('osma_session=a.b.c; theme=dark ;osma_session=planted; __proto__=x; broken; empty=');

    expect(cookies.osma_session).toBe('a.b.c');
    expect(cookies.theme).toBe('dark');
    expect(cookies.empty).toBe('');
    expect(cookies.__proto__).toBe('x');
    expect(Object.keys(cookies)).toEqual(['osma_session', 'theme', '__proto__', 'empty']);
    expect(parseCookies(undefined)).toEqual({});
  });

  it('writes SameSite=Strict cookies, HttpOnly and Secure when asked', () => {
    expect(setCookie('osma_session', 'v', { path: '/v1/', maxAge: 900, httpOnly: true, secure: true })).toBe(
      'osma_session=v; Path=/v1/; Max-Age=900; SameSite=Strict; HttpOnly; Secure',
    );
    expect(setCookie('osma_csrf', '', { path: '/', maxAge: -5, httpOnly: false, secure: false })).toBe('osma_csrf=; Path=/; Max-Age=0; SameSite=Strict');
  });

  it('drops Secure only for plain http to this machine', () => {
    expect(plainHttpToLoopback('localhost:3000', undefined)).toBe(true);
    expect(plainHttpToLoopback('127.0.0.1:3000', 'http')).toBe(true);
    expect(plainHttpToLoopback('[::1]:3000', undefined)).toBe(true);
    expect(plainHttpToLoopback('app.localhost', undefined)).toBe(true);
    expect(plainHttpToLoopback('localhost:3000', 'https')).toBe(false);
    expect(plainHttpToLoopback('abc.execute-api.eu-west-1.amazonaws.com', 'https')).toBe(false);
    expect(plainHttpToLoopback('localhost.evil.example', undefined)).toBe(false);
    expect(plainHttpToLoopback(undefined, undefined)).toBe(false);
  });
});

const tokens: IssuedTokens = {
  'access-token': 'access-jwt',
  'refresh-token': 'refresh-opaque',
  'token-type': 'Bearer',
  'expires-in': 900,
  'refresh-expires-in': 3600,
  'session-id': 'ses_1',
};
const browser = (overrides: Partial<BrowserClient> = {}): BrowserClient => ({ wantsCookies: true, cookies: {}, secure: true, ...overrides });
const setCookies = (answer: unknown) => (answer as HttpAnswer).headers['set-cookie'] as string[];

describe("a browser's session answers", () => {
  it('put the tokens into HttpOnly cookies and none into the body', () => {
    const answer = signInAnswer(browser(), { ...tokens, 'user-id': 'usr_1' });

    expect(answer).toBeInstanceOf(HttpAnswer);
    expect((answer as HttpAnswer).body).toEqual({ 'token-type': 'Bearer', 'expires-in': 900, 'refresh-expires-in': 3600, 'session-id': 'ses_1', 'user-id': 'usr_1' });
    const [session, refresh, csrf] = setCookies(answer);
    expect(session).toBe('osma_session=access-jwt; Path=/v1/; Max-Age=900; SameSite=Strict; HttpOnly; Secure');
    expect(refresh).toBe('osma_refresh=refresh-opaque; Path=/v1/refresh-token; Max-Age=3600; SameSite=Strict; HttpOnly; Secure');
    expect(csrf).toMatch(/^osma_csrf=[\w-]{43}; Path=\/; Max-Age=3600; SameSite=Strict; Secure$/);
  });

  it('answer a client that did not ask for cookies with the tokens, as before', () => {
    expect(signInAnswer(browser({ wantsCookies: false }), tokens)).toBe(tokens);
    expect(refreshAnswer(browser({ wantsCookies: false }), tokens)).toBe(tokens);
  });

  it('never let the access cookie outlive the session', () => {
    const [session] = setCookies(signInAnswer(browser({ secure: false }), { ...tokens, 'expires-in': 3600, 'refresh-expires-in': 60 }));

    expect(session).toBe('osma_session=access-jwt; Path=/v1/; Max-Age=60; SameSite=Strict; HttpOnly');
  });

  it('give a new CSRF token at sign-in, and keep a well-formed one across a refresh', () => {
    const held = browser({ cookies: { osma_csrf: CSRF } });

    expect(setCookies(signInAnswer(held, tokens))[2]).not.toContain(CSRF);
    expect(setCookies(refreshAnswer(held, tokens))[2]).toContain(`osma_csrf=${CSRF};`);
    expect(setCookies(refreshAnswer(browser({ cookies: { osma_csrf: 'short' } }), tokens))[2]).not.toContain('osma_csrf=short;');
  });

  it("take a refresh token from the body, else from a browser's cookie, else name it missing", () => {
    const cookie = browser({ cookies: { osma_refresh: 'from-cookie' } });

    expect(refreshTokenOf({ 'refresh-token': 'from-body' }, cookie)).toBe('from-body');
    expect(refreshTokenOf({}, cookie)).toBe('from-cookie');
    expect(() => refreshTokenOf({}, { ...cookie, wantsCookies: false })).toThrow(expect.objectContaining({ status: 400, code: 'parameter_missing' }));
  });

  it("clear a browser's cookies when it ends its own session, and only then", () => {
    const principal = { userId: 'usr_1', organizationId: 'org_1', sessionId: 'ses_1', roles: ['owner'], permissions: [], email: 'a@b.test' };
    const byCookie = browser({ wantsCookies: false, cookies: { osma_session: 'access-jwt' } });

    const cleared = setCookies(signOutAnswer(byCookie, principal, 'ses_1'));

    expect(cleared).toEqual([
      'osma_session=; Path=/v1/; Max-Age=0; SameSite=Strict; HttpOnly; Secure',
      'osma_refresh=; Path=/v1/refresh-token; Max-Age=0; SameSite=Strict; HttpOnly; Secure',
      'osma_csrf=; Path=/; Max-Age=0; SameSite=Strict; Secure',
    ]);
    expect(signOutAnswer(byCookie, principal, 'ses_other')).toBeUndefined();
    expect(signOutAnswer(browser({ wantsCookies: false }), principal, 'ses_1')).toBeUndefined();
  });
});

describe('HttpAnswer', () => {
  const probe = (status: 201 | 204) =>
    ({
      operationId: 'probe',
      method: 'POST',
      path: '/v1/probe/',
      handler: 'probe',
      auth: 'none',
      tableAccess: 'none',
      summary: 'probe',
      tags: [],
      request: {},
      success: { status, description: 'ok', schema: z.object({}) },
    }) satisfies RouteDefinition;
  const event = {
    httpMethod: 'POST',
    path: '/v1/probe/',
    body: null,
    isBase64Encoded: false,
    headers: {},
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'req-1', authorizer: null },
  } as unknown as APIGatewayProxyEvent;

  it("answers a handler's body with its headers, a list as one header per value", async () => {
    const handler = identityHandler(probe(201), async () => new HttpAnswer({ ok: true }, { 'set-cookie': ['a=1', 'b=2'], 'x-probe': 'yes' }));

    const result = await handler(event, {} as Context);

    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'x-probe': 'yes', 'request-id': 'req-1' });
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it('keeps the headers on a 204 without content', async () => {
    const handler = identityHandler(probe(204), async () => new HttpAnswer(undefined, { 'set-cookie': ['a=; Max-Age=0'] }));

    const result = await handler(event, {} as Context);

    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': ['a=; Max-Age=0'] });
  });
});

describe('the CloudFront Function', () => {
  const code = cookieSessionFunctionCode(identityPlane);
  type CloudFrontRequest = { method: string; headers: Record<string, { value: string }>; cookies: Record<string, { value: string }> };
  const run = (request: CloudFrontRequest) =>
    runInNewContext(`${code}\nhandler(event)`, { event: { version: '1.0', context: { requestId: 'cf-1' }, request } }) as Record<string, any>;
  const viewerRequest = (method: string, headers: Record<string, string>, cookies: Record<string, string>): CloudFrontRequest => ({
    method,
    headers: Object.fromEntries(Object.entries({ host: 'dashboard.osma.test', ...headers }).map(([name, value]) => [name, { value }])),
    cookies: Object.fromEntries(Object.entries(cookies).map(([name, value]) => [name, { value }])),
  });

  it('adds the bearer token from the session cookie and passes the request on', () => {
    const request = run(viewerRequest('GET', {}, { osma_session: 'access-jwt' }));

    expect(request.headers.authorization).toEqual({ value: 'Bearer access-jwt' });
    expect(request.method).toBe('GET');
  });

  it("answers a failed CSRF check itself, with the plane's 403 and the same rule as the local gateway", () => {
    const cookies = { osma_session: 'access-jwt', osma_csrf: CSRF };

    const refused = run(viewerRequest('PATCH', { origin: 'https://evil.example', 'x-csrf-token': CSRF }, cookies));
    const passed = run(viewerRequest('PATCH', { origin: ORIGIN, 'x-csrf-token': CSRF }, cookies));

    expect(refused.statusCode).toBe(403);
    expect(refused.headers['request-id']).toEqual({ value: 'cf-1' });
    expect(JSON.parse(refused.body.data)).toEqual({
      errors: [expect.objectContaining({ status: 403, code: 'csrf_check_failed' })],
    });
    expect(passed.headers.authorization).toEqual({ value: 'Bearer access-jwt' });
  });

  it('leaves a call with its own Authorization header untouched', () => {
    const request = run(viewerRequest('POST', { authorization: 'Bearer own' }, { osma_session: 'access-jwt' }));

    expect(request.headers.authorization).toEqual({ value: 'Bearer own' });
  });

  it('fits CloudFront and uses only what its JavaScript runtime 2.0 has', () => {
    expect(Buffer.byteLength(code)).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
    expect(unsupportedSyntax(code)).toEqual([]);
  });

  it('knows unsupported syntax when it sees it', () => {
    const samples = [
      'for (const x of y) {}',
      'const { a } = b;',
      'f(...args);',
      'const c = a?.b;',
      'const d = a ?? b;',
      'function f(a = 1) {}',
      'class A {}',
      'export const e = 1;',
      'import x from "y";',
    ];
    expect(samples.filter((sample) => unsupportedSyntax(sample).length === 0)).toEqual([]);
  });
});

/**
 * What the CloudFront Functions runtime 2.0 lacks (it is ES5.1 with let, const, arrow functions,
 * template literals, rest parameters, async and await) but a TypeScript-to-JavaScript pass would
 * happily keep.
 */
function unsupportedSyntax(code: string): string[] {
  const found: string[] = [];
  const file = ts.createSourceFile('function.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const visit = (node: ts.Node) => {
    const problem =
      ts.isForOfStatement(node) ? 'for-of'
      : ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node) ? 'destructuring'
      : ts.isSpreadElement(node) || ts.isSpreadAssignment(node) ? 'spread'
      : (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken ? 'optional chaining'
      : ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ? '??'
      : ts.isParameter(node) && node.initializer ? 'default parameter'
      : ts.isClassLike(node) ? 'class'
      : ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || node.kind === ts.SyntaxKind.ExportKeyword ? 'module syntax'
      : undefined;
    if (problem) found.push(`${problem}: ${node.getText(file).slice(0, 60)}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
