import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { MailSender } from '#infra/platform/mail';
import { OsmaFunction } from '#infra/platform/osma-function';
import { platformFunctionName } from '#shared/identity/platform/function-name';
import { PLATFORM_TABLE_ACTIONS, platformLeadingKeys } from '#shared/identity/platform/keys';

export interface PlatformFunctionProps {
  stage: string;
  table: ITable;
  /** The stage's sender: the owner's invitation is mailed from it. Without it nothing is mailed. */
  mail?: MailSender;
  /** Where the owner's link leads (OSMA_DASHBOARD_URL). Without it the answer has the code but no link. */
  dashboardUrl?: string;
}

/**
 * The platform function (functions/platform/admin.ts): the platform team's commands on
 * organizations. Nothing triggers it and nothing may invoke it but an IAM principal of the
 * account that holds `lambda:InvokeFunction` on it: no API Gateway method, no function URL, no
 * event source, no resource policy. Its role may read and write only the items the commands
 * write (shared/identity/platform/keys.ts) and, with a sender, mail from that sender only.
 */
export class PlatformFunction extends OsmaFunction {
  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id, {
      entry: 'functions/platform/admin.ts',
      stage: props.stage,
      functionName: platformFunctionName(props.stage),
      description: `Osma platform commands: create, suspend and reactivate organizations, set rate limits (${props.stage}); IAM only`,
      environment: props.dashboardUrl ? { OSMA_DASHBOARD_URL: props.dashboardUrl } : undefined,
    });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...PLATFORM_TABLE_ACTIONS],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': platformLeadingKeys() } },
      }),
    );
    this.addEnvironment('OSMA_TABLE_NAME', props.table.tableName);
    if (props.mail) this.bindMail(props.mail);
  }
}
