import { scopeKey, type Scope } from '#shared/platform/table';

/** The table keys of this resource's items: SDK-free, so any module or the CDK can name them without loading the resource. */
export const eventKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#EVENT`,
  key: (scope: Scope, id: string) => ({ pk: eventKeys.pk(scope), sk: id }),
};

export const endpointKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#WEBHOOK_ENDPOINT`,
  key: (scope: Scope, id: string) => ({ pk: endpointKeys.pk(scope), sk: id }),
};

export const deliveryKeys = {
  pk: (scope: Scope, eventId: string) => `${scopeKey(scope)}#DELIVERY#${eventId}`,
  key: (scope: Scope, eventId: string, endpointId: string) => ({ pk: deliveryKeys.pk(scope, eventId), sk: endpointId }),
};
