import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ROUTES_FUNCTION_CODE } from '#infra/dashboard/app-routes-function';
import { IMMUTABLE_CACHE_CONTROL, PAGE_CACHE_CONTROL } from '#infra/dashboard/dashboard';
import { cookieSessionFunctionCode } from '#infra/http/cookie-session-function';
import { OsmaStack } from '#infra/stack';
import { DASHBOARD_CONTENT_SECURITY_POLICY, DASHBOARD_SECURITY_HEADERS } from '#shared/http/dashboard-headers';
import { identityPlane } from '#shared/identity/plane';
import { DASHBOARD_FIXTURE, flatTemplate, logicalId } from '#test/infra/templates';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

function makeApp(context: Record<string, unknown> = { dashboardAssets: DASHBOARD_FIXTURE }): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

describe('the deployed dashboard', () => {
  let stack: OsmaStack;
  let template: Template;
  let resources: Record<string, any>;
  let distribution: any;

  beforeAll(() => {
    // Prepare
    stack = new OsmaStack(makeApp(), 'OsmaDashboard', { stage: 'test' });

    // Act
    template = flatTemplate(stack);
    resources = template.toJSON().Resources;
    distribution = resources[logicalId(stack.dashboard.distribution)].Properties.DistributionConfig;
  });

  const functionCode = (association: { FunctionARN: { 'Fn::GetAtt': [string, string] } }) =>
    resources[association.FunctionARN['Fn::GetAtt'][0]].Properties;

  it('serves the bucket through Origin Access Control: pages never cached and rewritten to /index.html, hashed assets cached for good', () => {
    // Prepare
    const bucketOrigin = distribution.Origins.find((origin: any) => origin.S3OriginConfig);
    const assets = distribution.CacheBehaviors.find((behavior: any) => behavior.PathPattern === '/assets/*');

    // Assess
    expect(bucketOrigin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack.dashboard.bucket), 'RegionalDomainName'] });
    expect(bucketOrigin.OriginAccessControlId).toBeDefined();
    expect(bucketOrigin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(resources[bucketOrigin.OriginAccessControlId['Fn::GetAtt'][0]].Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      TargetOriginId: bucketOrigin.Id,
      CachePolicyId: CACHING_DISABLED,
      AllowedMethods: ['GET', 'HEAD'],
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    const [appRoutes] = distribution.DefaultCacheBehavior.FunctionAssociations;
    expect(appRoutes.EventType).toBe('viewer-request');
    expect(functionCode(appRoutes)).toMatchObject({ FunctionCode: APP_ROUTES_FUNCTION_CODE, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } });
    expect(assets).toMatchObject({ TargetOriginId: bucketOrigin.Id, CachePolicyId: CACHING_OPTIMIZED, AllowedMethods: ['GET', 'HEAD'] });
    expect(assets.FunctionAssociations).toBeUndefined();
  });

  it('routes /v1/* to the management API stage, uncached, every viewer header but Host, all methods, https only, through the cookie-session function', () => {
    // Prepare
    const v1 = distribution.CacheBehaviors.find((behavior: any) => behavior.PathPattern === '/v1/*');
    const origin = distribution.Origins.find((candidate: any) => candidate.Id === v1.TargetOriginId);

    // Assess
    expect(v1).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // The management API's own id and stage, never the public API's.
    const target = JSON.stringify([origin.DomainName, origin.OriginPath]);
    const ref = (construct: Parameters<typeof logicalId>[0]) => JSON.stringify({ Ref: logicalId(construct) });
    expect(target).toContain(ref(stack.managementApi.restApi));
    expect(target).toContain(ref(stack.managementApi.restApi.deploymentStage));
    expect(target).not.toContain(ref(stack.restApi));
    const [cookieSession] = v1.FunctionAssociations;
    expect(cookieSession.EventType).toBe('viewer-request');
    expect(functionCode(cookieSession)).toMatchObject({
      FunctionCode: cookieSessionFunctionCode(identityPlane),
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });

  it('sends the local dashboard\'s security headers on every behaviour, and HSTS', () => {
    // Prepare
    const ids = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors].map((behavior: any) => behavior.ResponseHeadersPolicyId.Ref);
    const config = resources[ids[0]].Properties.ResponseHeadersPolicyConfig;

    // Assess
    expect(new Set(ids).size).toBe(1);
    expect(ids).toHaveLength(3);
    expect(config.SecurityHeadersConfig.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: DASHBOARD_CONTENT_SECURITY_POLICY, Override: true });
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).toBe(DASHBOARD_SECURITY_HEADERS['content-security-policy']);
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(config.SecurityHeadersConfig).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: false, Override: true },
    });
    expect(config.CustomHeadersConfig.Items).toEqual([{ Header: 'Cross-Origin-Opener-Policy', Value: 'same-origin', Override: true }]);
  });

  it('keeps the bucket private, TLS-only, logged and retained, readable only by this distribution', () => {
    // Prepare
    const bucketId = logicalId(stack.dashboard.bucket);
    const bucket = resources[bucketId];
    const policy = Object.values(resources).find(
      (resource: any) => resource.Type === 'AWS::S3::BucketPolicy' && resource.Properties.Bucket.Ref === bucketId,
    ) as any;
    const allows = policy.Properties.PolicyDocument.Statement.filter((statement: any) => statement.Effect === 'Allow');

    // Assess
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalId(stack.files.accessLogs) },
      LogFilePrefix: 'dashboard/',
    });
    expect(allows).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: logicalId(stack.dashboard.distribution) }],
              ],
            },
          },
        },
      },
    ]);
    const denies = policy.Properties.PolicyDocument.Statement.filter((statement: any) => statement.Effect === 'Deny');
    expect(denies.map((statement: any) => statement.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
  });

  it('copies the build at deploy: hashed assets first, kept for open pages, then the pages and config.json, never cached', () => {
    // Prepare
    const copies = Object.entries(resources).filter(([, resource]) => resource.Type === 'Custom::CDKBucketDeployment');
    const [assetsId, assets] = copies.find(([, resource]) => resource.Properties.DestinationBucketKeyPrefix === 'assets/')!;
    const [, pages] = copies.find(([, resource]) => !resource.Properties.DestinationBucketKeyPrefix)!;

    // Assess
    expect(copies).toHaveLength(2);
    expect(assets.Properties).toMatchObject({ Prune: false, SystemMetadata: { 'cache-control': IMMUTABLE_CACHE_CONTROL } });
    expect(pages.Properties).toMatchObject({ Prune: true, Exclude: ['assets/*'], SystemMetadata: { 'cache-control': PAGE_CACHE_CONTROL } });
    expect(pages.DependsOn).toEqual(expect.arrayContaining([assetsId]));
    // config.json carries the public API's URL, filled in at deploy.
    expect(JSON.stringify(pages.Properties.SourceMarkers)).toContain(logicalId(stack.restApi));
    const copier = Object.entries(resources).find(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.includes('CustomCDKBucketDeployment'))!;
    expect(resources[copier[1].Properties.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(30);
  });

  it('outputs the dashboard URL', () => {
    template.hasOutput('DashboardUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.dashboard.distribution), 'DomainName'] }]] },
    });
  });
});

describe('the app routes function', () => {
  // Runs the very code CloudFront runs, as the unit test of the cookie-session function does.
  const handler = new Function(`${APP_ROUTES_FUNCTION_CODE}; return handler;`)() as (event: unknown) => { uri: string };
  const served = (uri: string) => handler({ request: { uri, method: 'GET', headers: {}, cookies: {} } }).uri;

  it.each(['/', '/sign-in', '/developers/api-keys', '/reset-password', '/team/'])('serves /index.html for the page %s', (uri) => {
    expect(served(uri)).toBe('/index.html');
  });

  it.each(['/config.json', '/assets/index-abc123.js', '/favicon.ico', '/missing.txt'])('leaves the file %s as it is', (uri) => {
    expect(served(uri)).toBe(uri);
  });
});

describe('the synth without a built dashboard', () => {
  it('fails with a message that says how to build it', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'osma-no-dashboard-'));
    expect(() => new OsmaStack(makeApp({ dashboardAssets: empty }), 'OsmaUnbuilt', { stage: 'test' })).toThrow(
      /dashboard is not built.*npx vite build/,
    );
  });
});
