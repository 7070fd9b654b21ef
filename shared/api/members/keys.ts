import { scopeKey, type Scope } from '#shared/platform/table';

/** The table keys of this resource's items: SDK-free, so any module or the CDK can name them without loading the resource. */
export const memberKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#MEMBER`,
  key: (scope: Scope, id: string) => ({ pk: memberKeys.pk(scope), sk: id }),
  emailLock: (scope: Scope, email: string) => ({ pk: `${scopeKey(scope)}#MEMBER_EMAIL`, sk: email.toLowerCase() }),
};
