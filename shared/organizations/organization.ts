import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/config';
import { db } from '#shared/db';
import { newId } from '#shared/ids';
import { timestamp } from '#shared/time';

/** Organizations own everything else. The management plane will create them; until then the local stack seeds one. */
export interface Organization {
  id: string;
  name: string;
  created_at: string;
}

export const organizationKeys = {
  key: (id: string) => ({ pk: `ORG#${id}`, sk: 'ORGANIZATION' }),
};

export async function createOrganization(name: string): Promise<Organization> {
  const organization: Organization = { id: newId('organization'), name, created_at: timestamp() };
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...organizationKeys.key(organization.id), entity: 'organization', ...organization },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return organization;
}

export async function getOrganization(id: string): Promise<Organization | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: organizationKeys.key(id) }));
  return Item ? { id: Item.id, name: Item.name, created_at: Item.created_at } : undefined;
}
