import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Api } from '#infra/http/rest-api';
import { OsmaStack } from '#infra/stack';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';
import { auditKeys } from '#shared/identity/audit/keys';
import { loginKeys } from '#shared/identity/logins/keys';
import { totpKeys } from '#shared/identity/mfa/keys';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { passwordResetKeys } from '#shared/identity/passwords/keys';
import { ownerItems } from '#shared/identity/logins/owner';
import { PLATFORM_TABLE_ACTIONS, platformLeadingKeys } from '#shared/identity/platform/keys';
import { identityPlane } from '#shared/identity/plane';
import { identityRouteList } from '#shared/identity/routes';
import { sessionKeys } from '#shared/identity/sessions/keys';
import { userKeys } from '#shared/api/users/keys';
import { rateLimitKeys } from '#shared/http/middleware/keys';
import { newId } from '#shared/platform/ids';
import { scopeKey } from '#shared/platform/table';
import { DASHBOARD_FIXTURE, flatTemplate, logicalId } from '#test/infra/templates';

const STAGE = 'test';
const MAIL_FROM = 'Osma <no-reply@osma.example>';
const DASHBOARD_URL = 'https://dashboard.osma.example';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any> };

function makeApp(): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], dashboardAssets: DASHBOARD_FIXTURE } });
}


function roleStatements(resources: Resources, roleId: string): Statement[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties!.PolicyDocument.Statement as Statement[]);
}

/** IAM's StringLike: `*` any run of characters, `?` exactly one. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

describe('the platform function', () => {
  let stack: OsmaStack;
  let template: Template;
  let resources: Resources;
  let functionId: string;

  beforeAll(() => {
    stack = new OsmaStack(makeApp(), 'OsmaPlatform', { stage: STAGE });
    template = flatTemplate(stack);
    resources = template.toJSON().Resources as Resources;
    functionId = logicalId(stack.platformFunction);
  });

  it('is named for its stage and output, so that npm run admin finds it', () => {
    const fn = resources[functionId]!;
    expect(fn.Properties).toMatchObject({ FunctionName: `osma-platform-admin-${STAGE}`, Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    template.hasOutput('PlatformFunctionName', { Value: { Ref: functionId } });
  });

  it('is invocable by IAM only: no permission for any other principal, no function URL, no event source, no API method', () => {
    const mentions = (resource: unknown) => JSON.stringify(resource).includes(`"${functionId}"`);
    const byType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

    expect(byType('AWS::Lambda::Permission').filter(mentions)).toEqual([]);
    expect(byType('AWS::Lambda::Url')).toEqual([]);
    expect(byType('AWS::Lambda::EventSourceMapping').filter(mentions)).toEqual([]);
    expect(byType('AWS::ApiGateway::Method').filter(mentions)).toEqual([]);
    // A control: the same test sees the permissions that let API Gateway invoke a route's function.
    const routeFunction = logicalId(stack.managementApi.functions[identityRouteList[0]!.operationId]!);
    expect(byType('AWS::Lambda::Permission').some((permission) => JSON.stringify(permission).includes(`"${routeFunction}"`))).toBe(true);
  });

  it('may Get, Put and Update only the items the commands write, on the table alone, and nothing else but its logs', () => {
    const statements = roleStatements(resources, logicalId(stack.platformFunction.serviceRole));
    const tableArn = { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] };
    const onTable = statements.filter((statement) => JSON.stringify(statement.Resource).includes(logicalId(stack.table)));

    expect(onTable).toEqual([
      {
        Effect: 'Allow',
        Action: [...PLATFORM_TABLE_ACTIONS],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': platformLeadingKeys() } },
      },
    ]);
    const others = statements.filter((statement) => !onTable.includes(statement)).flatMap((statement) => [statement.Action].flat());
    expect(others.every((action) => action.startsWith('logs:'))).toBe(true);
    expect(statements.some((statement) => statement.Resource === '*')).toBe(false);
    const variables = resources[functionId]!.Properties!.Environment.Variables;
    expect(variables.OSMA_TABLE_NAME).toEqual({ Ref: logicalId(stack.table) });
    expect(Object.keys(variables).filter((name) => /MAIL|DASHBOARD|SECRET/.test(name))).toEqual([]);
  });

  it("'s key patterns match every partition the commands write, and no tenant data, key, session or counter", () => {
    const organizationId = newId('organization');
    const email = 'owner@acme.test';
    const allowed = (pk: string) => platformLeadingKeys().some((pattern) => stringLike(pattern, pk));

    // Every item of the owner's membership as the command writes it (login, user, email lock,
    // role holder, active-owner count, first history entry), read from the writes themselves.
    vi.stubEnv('OSMA_TABLE_NAME', 'osma-test');
    const owner = ownerItems({ organizationId, email, passwordHash: 'x', firstName: 'A', lastName: 'B' });
    const written = owner.puts.map((write) => String((write.Put?.Item ?? write.Update?.Key ?? write.ConditionCheck?.Key ?? write.Delete?.Key)?.pk));
    expect(written.length).toBeGreaterThan(4);
    for (const pk of [
      organizationKeys.key(organizationId).pk,
      userKeys.pk(organizationId),
      auditKeys.organizationPk(organizationId),
      loginKeys.byEmail(email).pk,
      passwordResetKeys.byEmail(email).pk,
      ...written,
    ]) {
      expect(allowed(pk), pk).toBe(true);
    }
    for (const pk of [
      `${scopeKey({ organizationId, mode: 'live' })}#MEMBER`,
      rateLimitKeys.counter({ organizationId, mode: 'test' }, 'listMembers', 1).pk,
      apiKeyKeys.key('ab'.repeat(32)).pk,
      sessionKeys.session(newId('session')).pk,
      auditKeys.platformPk('2026-01-01'),
      `ORG#${organizationId}x`,
    ]) {
      expect(allowed(pk), pk).toBe(false);
    }
    // The login partition is named by an email, so TOTP items (keyed by login id) are inside it: a limit IAM cannot draw.
    expect(allowed(totpKeys.pk(newId('login')))).toBe(true);
  });
});

describe('mail on a stage with a sender (-c mailFrom, -c dashboardUrl)', () => {
  let app: App;
  let stack: OsmaStack;
  let resources: Resources;

  beforeAll(() => {
    app = makeApp();
    stack = new OsmaStack(app, 'OsmaMail', { stage: STAGE, mailFrom: MAIL_FROM, dashboardUrl: DASHBOARD_URL });
    resources = flatTemplate(stack).toJSON().Resources as Resources;
  });

  const sesStatements = (statements: Statement[]) => statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('ses:')));

  it('lets the platform function send from that sender only, and tells it the sender and the dashboard', () => {
    const statements = sesStatements(roleStatements(resources, logicalId(stack.platformFunction.serviceRole)));

    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('ses:SendEmail');
    const arns = JSON.stringify(statements[0]!.Resource);
    expect(arns).toContain(':identity/no-reply@osma.example"');
    expect(arns).toContain(':identity/osma.example"');
    expect((statements[0]!.Resource as unknown[]).length).toBe(2);
    expect(statements[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@osma.example' } });
    expect(resources[logicalId(stack.platformFunction)]!.Properties!.Environment.Variables).toMatchObject({
      OSMA_MAIL_FROM: MAIL_FROM,
      OSMA_DASHBOARD_URL: DASHBOARD_URL,
    });
  });

  it('gives the same grant and settings to the management routes that send mail, and to no other function', () => {
    const mailing = new Stack(makeApp(), 'MailingRoutes');
    const table = Table.fromTableName(mailing, 'Table', 'osma-table');
    // A route without a session (as forgot-password is) that mails, and one behind the session authorizer that does not.
    const sender = identityRouteList.find((route) => route.auth === 'none' && route.method === 'POST');
    const other = identityRouteList.find((route) => route.auth === 'session');
    const api = new Api(mailing, 'ManagementApi', {
      stage: STAGE,
      plane: identityPlane,
      table,
      routes: [{ ...sender!, sendsMail: true }, other!],
      mail: { sender: { from: MAIL_FROM, address: 'no-reply@osma.example', domain: 'osma.example' }, dashboardUrl: DASHBOARD_URL },
    });
    const routeResources = flatTemplate(mailing).toJSON().Resources as Resources;
    const sesOf = (fn: { serviceRole: unknown }) => sesStatements(roleStatements(routeResources, logicalId(fn.serviceRole as never)));
    const variablesOf = (fn: never) => routeResources[logicalId(fn)]!.Properties!.Environment.Variables;

    expect(sesOf(api.functions[sender!.operationId]!)).toHaveLength(1);
    expect(sesOf(api.functions[sender!.operationId]!)[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@osma.example' } });
    expect(variablesOf(api.functions[sender!.operationId]! as never)).toMatchObject({ OSMA_MAIL_FROM: MAIL_FROM, OSMA_DASHBOARD_URL: DASHBOARD_URL });
    expect(sesOf(api.functions[other!.operationId]!)).toEqual([]);
    expect(Object.keys(variablesOf(api.functions[other!.operationId]! as never))).not.toContain('OSMA_MAIL_FROM');
    expect(sesOf(api.authorizerFunction)).toEqual([]);
    // On the real stack, no route sends mail yet: only the platform function may.
    const allSes = Object.values(stack.managementApi.functions).flatMap((fn) =>
      sesStatements(roleStatements(resources, logicalId(fn.serviceRole))),
    );
    expect(allSes.length).toBe(identityRouteList.filter((route) => route.sendsMail).length);
  });

  it('has no unacknowledged cdk-nag finding with the mail grants', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it.each([
    [{ mailFrom: 'Osma no-reply@osma.example' }, /mailFrom/],
    [{ mailFrom: 'a@b.example, c@d.example' }, /mailFrom/],
    [{ dashboardUrl: 'http://dashboard.osma.example' }, /OSMA_DASHBOARD_URL must be an https URL/],
    [{ dashboardUrl: 'https://dashboard.osma.example/?next=x' }, /OSMA_DASHBOARD_URL/],
  ])('refuses a malformed setting at synth (%j)', (settings, message) => {
    expect(() => new OsmaStack(makeApp(), 'OsmaRefused', { stage: STAGE, ...settings })).toThrow(message);
  });
});
