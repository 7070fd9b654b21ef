import { type CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

type Json = any;

/** A stand-in for the built dashboard (context `dashboardAssets`), so that the infra tests need no build of web/. */
export const DASHBOARD_FIXTURE = new URL('./fixtures/dashboard', import.meta.url).pathname;

/** The stack and each nested stack beneath it, at any depth, with its synthesized template. */
export function stackTemplates(root: Stack): { stack: Stack; path: string; template: Json }[] {
  const nested = root.node.findAll().filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct));
  return [root, ...nested].map((stack) => ({ stack, path: stackPath(stack), template: Template.fromStack(stack).toJSON() }));
}

/**
 * The logical id of a construct's resource as `flatTemplate` names it: as it is in a top-level
 * stack, and prefixed by its nested stack's path in a nested one (`Api/Gateway/MembersRoutes.GetMember1A2B`),
 * since two nested templates may hold the same logical id (each plane's `RestApi...`).
 */
export function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as CfnResource;
  const stack = Stack.of(child);
  return qualify(stack, stack.getLogicalId(child));
}

/**
 * The whole deployment as one template, to assert on what a resource is given wherever it is
 * defined: the resources of every nested stack beside the top-level stack's, named as
 * `logicalId` names them, each nested stack's parameter replaced by the value its parent
 * passes it and each of its outputs by its value, the way CloudFormation resolves them. So a
 * route function's `{"Ref": "referencetoOsmaTestStorageTable...Arn"}` reads as the table's own
 * `{"Fn::GetAtt": ["StorageTable...", "Arn"]}`. The nested stacks' own resources
 * (AWS::CloudFormation::Stack) stay; their CDK metadata does not.
 */
export function flatTemplate(root: Stack): Template {
  const stacks = stackTemplates(root);
  const templateOf = new Map(stacks.map(({ stack, template }) => [stack, template]));
  // Each nested stack's resource in its parent's template, both ways.
  const resourceOf = new Map<Stack, { parent: Stack; id: string }>();
  const childAt = new Map<string, Stack>();
  for (const { stack } of stacks) {
    if (!NestedStack.isNestedStack(stack)) continue;
    const resource = stack.nestedStackResource!;
    const parent = Stack.of(resource);
    const id = parent.getLogicalId(resource);
    resourceOf.set(stack, { parent, id });
    childAt.set(`${stackPath(parent)}\0${id}`, stack);
  }

  const inline = (value: Json, stack: Stack): Json => {
    if (Array.isArray(value)) return value.map((item) => inline(item, stack));
    if (value === null || typeof value !== 'object') return value;
    const template = templateOf.get(stack);
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string') {
      const from = resourceOf.get(stack);
      if (from && template.Parameters?.[value.Ref]) {
        const passed = templateOf.get(from.parent).Resources[from.id].Properties.Parameters[value.Ref];
        if (passed === undefined) throw new Error(`${stackPath(stack)}: parameter ${value.Ref} is not passed`);
        return inline(passed, from.parent);
      }
      return template.Resources[value.Ref] ? { Ref: qualify(stack, value.Ref) } : value;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attribute] = value['Fn::GetAtt'] as [string, string];
      const child = childAt.get(`${stackPath(stack)}\0${id}`);
      if (child && attribute.startsWith('Outputs.')) {
        return inline(templateOf.get(child).Outputs[attribute.slice('Outputs.'.length)].Value, child);
      }
      return { 'Fn::GetAtt': [qualify(stack, id), attribute] };
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inline(item, stack)]));
  };

  const resources: Record<string, Json> = {};
  for (const { stack, template } of stacks) {
    for (const [id, resource] of Object.entries<Json>(template.Resources)) {
      if (resource.Type === 'AWS::CDK::Metadata' && stack !== root) continue;
      const name = qualify(stack, id);
      if (resources[name]) throw new Error(`two resources named ${name}`);
      const dependsOn = resource.DependsOn && [resource.DependsOn].flat().map((other: string) => qualify(stack, other));
      resources[name] = { ...inline(resource, stack), ...(dependsOn ? { DependsOn: dependsOn } : {}) };
    }
  }
  const rootTemplate = templateOf.get(root);
  return Template.fromJSON({ ...rootTemplate, Resources: resources, Outputs: inline(rootTemplate.Outputs ?? {}, root) });
}

/** A nested stack's construct path below its top-level stack (`Api/Gateway/MembersRoutes`); empty for a top-level stack. */
function stackPath(stack: Stack): string {
  if (!NestedStack.isNestedStack(stack)) return '';
  const top = stack.node.scopes.find((scope) => Stack.isStack(scope) && !NestedStack.isNestedStack(scope))!;
  return stack.node.path.slice(top.node.path.length + 1);
}

function qualify(stack: Stack, id: string): string {
  const path = stackPath(stack);
  return path ? `${path}.${id}` : id;
}
