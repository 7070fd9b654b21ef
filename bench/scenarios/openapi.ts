import { type BareResult, type Scenario } from '#bench/scenarios/bare';
import { publicDocument } from '#shared/api/spec/document';

/**
 * The OpenAPI document: built from the route table once per cold start and served from
 * memory. The bare handler answers the same text, already serialized: what the real one adds
 * is the middleware and the serialization per call.
 */
function staticScenario(body: () => BareResult): Scenario {
  return {
    kind: 'static',
    async prepare() {
      const answer = body();
      return { kind: 'static', request: () => ({}), bare: async () => answer };
    },
  };
}

export const openApiScenarios: Record<string, Scenario> = {
  getOpenApiJson: staticScenario(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: publicDocument.json() })),
  getOpenApiYaml: staticScenario(() => ({ statusCode: 200, headers: { 'content-type': 'application/yaml' }, body: publicDocument.yaml() })),
};
