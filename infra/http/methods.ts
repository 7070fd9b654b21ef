import { Validations } from 'aws-cdk-lib';
import { AuthorizationType, type Method, type MethodOptions, MockIntegration, PassthroughBehavior } from 'aws-cdk-lib/aws-apigateway';
import type { PlaneDescription } from '#shared/http/plane';

/**
 * Header values in gateway responses and integration responses: a literal is quoted in single
 * quotes, a context variable is named bare (no `$`).
 */
export const REQUEST_ID_VALUE = 'context.requestId';
export const JSON_CONTENT_TYPE_VALUE = "'application/json'";

const MOCK_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * API Gateway answers a known path with an unknown method as if the path did not exist
 * (403 Missing Authentication Token). Explicit methods take precedence over ANY, so an ANY
 * method with a mock integration catches exactly the other methods and answers 405.
 */
export function methodNotAllowed(methods: string[], body: string): { integration: MockIntegration; options: MethodOptions } {
  const allow = [...new Set(methods)].sort().join(', ');
  const integration = new MockIntegration({
    passthroughBehavior: PassthroughBehavior.WHEN_NO_MATCH,
    // The mock reads its status from the request template; the usual body types each get one.
    requestTemplates: Object.fromEntries(MOCK_CONTENT_TYPES.map((type) => [type, '{"statusCode": 405}'])),
    integrationResponses: [
      {
        // No selection pattern: this is the default response, whatever the mock answers.
        statusCode: '405',
        responseTemplates: { 'application/json': body },
        responseParameters: {
          'method.response.header.request-id': REQUEST_ID_VALUE,
          'method.response.header.content-type': JSON_CONTENT_TYPE_VALUE,
          'method.response.header.allow': `'${allow}'`,
        },
      },
    ],
  });
  const options: MethodOptions = {
    authorizationType: AuthorizationType.NONE,
    methodResponses: [
      {
        statusCode: '405',
        responseParameters: {
          'method.response.header.request-id': true,
          'method.response.header.content-type': true,
          'method.response.header.allow': true,
        },
      },
    ],
  };
  return { integration, options };
}

export function acknowledgeMethod(method: Method, unauthenticated: boolean, plane: PlaneDescription): void {
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-COG4',
    reason:
      `The ${plane.title} authenticates its callers with the ${plane.authorizer.header} header, checked by the Lambda REQUEST ` +
      'authorizer; Cognito user pools are not part of it (docs/architecture.md says why identity is our own).',
  });
  if (unauthenticated) {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Deliberately open: a route the route table marks auth "none", or the ANY mock that only answers 405 ' +
        'and reaches no backend.',
    });
  }
}
