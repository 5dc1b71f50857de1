import type { HandlerPermissions } from './types.ts';

/** One hand-written overlay entry. */
export interface OverlayEntry {
  /** The actions per handler. Empty lists: CloudFormation needs nothing from the caller for this type. */
  handlers: HandlerPermissions;
  /** What the entry rests on, for reports. */
  title: string;
  /** The public page the actions are taken from. */
  url: string;
}

const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference';
const CFN = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide';

const same = (actions: readonly string[]): HandlerPermissions => ({ create: actions, update: actions, delete: actions });
const none: HandlerPermissions = { create: [], update: [], delete: [] };

/**
 * awsperm's hand-written handler permissions for resource types whose registry schemas declare no handlers (legacy
 * types CloudFormation provisions itself). Each entry names the API calls the type's documentation describes and
 * maps them to IAM actions with the Service Authorization Reference.
 */
export const OVERLAY_HANDLER_PERMISSIONS: ReadonlyMap<string, OverlayEntry> = new Map<string, OverlayEntry>([
  [
    'AWS::IAM::Policy',
    {
      // An inline policy embedded in the listed roles, users and groups: Put*Policy to write, Delete*Policy when one
      // is removed from the list or the resource is deleted.
      handlers: {
        create: ['iam:PutGroupPolicy', 'iam:PutRolePolicy', 'iam:PutUserPolicy'],
        read: ['iam:GetGroupPolicy', 'iam:GetRolePolicy', 'iam:GetUserPolicy'],
        update: [
          'iam:DeleteGroupPolicy',
          'iam:DeleteRolePolicy',
          'iam:DeleteUserPolicy',
          'iam:PutGroupPolicy',
          'iam:PutRolePolicy',
          'iam:PutUserPolicy',
        ],
        delete: ['iam:DeleteGroupPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy'],
      },
      title: 'awsperm overlay: AWS::IAM::Policy (inline policies of roles, users, groups)',
      url: `${CFN}/aws-resource-iam-policy.html; ${SAR}/list_awsidentityandaccessmanagementiam.html`,
    },
  ],
  ...(['AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup'] as const).map(
    (type): [string, OverlayEntry] => [
      type,
      {
        // ChangeResourceRecordSets writes, GetChange waits for INSYNC, ListResourceRecordSets reads the current set,
        // ListHostedZonesByName resolves HostedZoneName when the template names the zone instead of its id.
        handlers: {
          ...same([
            'route53:ChangeResourceRecordSets',
            'route53:GetChange',
            'route53:GetHostedZone',
            'route53:ListHostedZonesByName',
            'route53:ListResourceRecordSets',
          ]),
          read: ['route53:ListResourceRecordSets'],
        },
        title: `awsperm overlay: ${type}`,
        url: `${CFN}/aws-resource-route53-${type === 'AWS::Route53::RecordSet' ? 'recordset' : 'recordsetgroup'}.html; ${SAR}/list_amazonroute53.html`,
      },
    ],
  ),
  [
    'AWS::SNS::TopicPolicy',
    {
      // The policy is the topic's Policy attribute: set on create/update, reset to the default on delete.
      handlers: { ...same(['sns:GetTopicAttributes', 'sns:SetTopicAttributes']), read: ['sns:GetTopicAttributes'] },
      title: 'awsperm overlay: AWS::SNS::TopicPolicy (the topics\u2019 Policy attribute)',
      url: `${CFN}/aws-resource-sns-topicpolicy.html; ${SAR}/list_amazonsns.html`,
    },
  ],
  [
    'AWS::SQS::QueuePolicy',
    {
      // The policy is the queue's Policy attribute: set on create/update, cleared on delete.
      handlers: { ...same(['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes']), read: ['sqs:GetQueueAttributes'] },
      title: 'awsperm overlay: AWS::SQS::QueuePolicy (the queues\u2019 Policy attribute)',
      url: `${CFN}/aws-resource-sqs-queuepolicy.html; ${SAR}/list_amazonsqs.html`,
    },
  ],
  [
    'AWS::CodeBuild::Project',
    {
      handlers: {
        create: ['codebuild:BatchGetProjects', 'codebuild:CreateProject', 'codebuild:CreateWebhook', 'iam:PassRole'],
        read: ['codebuild:BatchGetProjects'],
        update: [
          'codebuild:BatchGetProjects',
          'codebuild:CreateWebhook',
          'codebuild:DeleteWebhook',
          'codebuild:UpdateProject',
          'codebuild:UpdateWebhook',
          'iam:PassRole',
        ],
        delete: ['codebuild:DeleteProject', 'codebuild:DeleteWebhook'],
      },
      title: 'awsperm overlay: AWS::CodeBuild::Project (project, its webhook, its service role)',
      url: `${CFN}/aws-resource-codebuild-project.html; ${SAR}/list_awscodebuild.html`,
    },
  ],
  [
    'AWS::AppSync::ApiKey',
    {
      handlers: {
        create: ['appsync:CreateApiKey'],
        read: ['appsync:ListApiKeys'],
        update: ['appsync:UpdateApiKey'],
        delete: ['appsync:DeleteApiKey'],
      },
      title: 'awsperm overlay: AWS::AppSync::ApiKey',
      url: `${CFN}/aws-resource-appsync-apikey.html; ${SAR}/list_awsappsync.html`,
    },
  ],
  [
    'AWS::AppSync::GraphQLSchema',
    {
      // The schema is uploaded with StartSchemaCreation and polled with GetSchemaCreationStatus; it goes with its API.
      handlers: {
        create: ['appsync:GetSchemaCreationStatus', 'appsync:StartSchemaCreation'],
        read: ['appsync:GetIntrospectionSchema'],
        update: ['appsync:GetSchemaCreationStatus', 'appsync:StartSchemaCreation'],
        delete: [],
      },
      title: 'awsperm overlay: AWS::AppSync::GraphQLSchema',
      url: `${CFN}/aws-resource-appsync-graphqlschema.html; ${SAR}/list_awsappsync.html`,
    },
  ],
  // The next six types have handlers in today's registry, but the public schema copies awsperm derives its table
  // from have none for them (an old schema without handlers, or no copy at all): written by hand until they do.
  [
    'AWS::IAM::ManagedPolicy',
    {
      // CreatePolicy, then attach to the listed roles/users/groups; an update writes a new default version (deleting
      // the oldest when five exist) and re-attaches; delete detaches everywhere and deletes the versions and policy.
      handlers: {
        create: ['iam:AttachGroupPolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:CreatePolicy', 'iam:GetPolicy'],
        read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListEntitiesForPolicy'],
        update: [
          'iam:AttachGroupPolicy',
          'iam:AttachRolePolicy',
          'iam:AttachUserPolicy',
          'iam:CreatePolicyVersion',
          'iam:DeletePolicyVersion',
          'iam:DetachGroupPolicy',
          'iam:DetachRolePolicy',
          'iam:DetachUserPolicy',
          'iam:GetPolicy',
          'iam:GetPolicyVersion',
          'iam:ListPolicyVersions',
        ],
        delete: [
          'iam:DeletePolicy',
          'iam:DeletePolicyVersion',
          'iam:DetachGroupPolicy',
          'iam:DetachRolePolicy',
          'iam:DetachUserPolicy',
          'iam:ListEntitiesForPolicy',
          'iam:ListPolicyVersions',
        ],
      },
      title: 'awsperm overlay: AWS::IAM::ManagedPolicy (policy, its versions and attachments)',
      url: `${CFN}/aws-resource-iam-managedpolicy.html; ${SAR}/list_awsidentityandaccessmanagementiam.html`,
    },
  ],
  [
    'AWS::IAM::InstanceProfile',
    {
      handlers: {
        create: ['iam:AddRoleToInstanceProfile', 'iam:CreateInstanceProfile', 'iam:GetInstanceProfile', 'iam:PassRole'],
        read: ['iam:GetInstanceProfile'],
        update: ['iam:AddRoleToInstanceProfile', 'iam:GetInstanceProfile', 'iam:PassRole', 'iam:RemoveRoleFromInstanceProfile'],
        delete: ['iam:DeleteInstanceProfile', 'iam:GetInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      },
      title: 'awsperm overlay: AWS::IAM::InstanceProfile',
      url: `${CFN}/aws-resource-iam-instanceprofile.html; ${SAR}/list_awsidentityandaccessmanagementiam.html`,
    },
  ],
  [
    'AWS::SNS::Subscription',
    {
      handlers: {
        create: ['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:Subscribe'],
        read: ['sns:GetSubscriptionAttributes'],
        update: ['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes'],
        delete: ['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'],
      },
      title: 'awsperm overlay: AWS::SNS::Subscription',
      url: `${CFN}/aws-resource-sns-subscription.html; ${SAR}/list_amazonsns.html`,
    },
  ],
  [
    'AWS::AppSync::DataSource',
    {
      handlers: {
        create: ['appsync:CreateDataSource', 'appsync:GetDataSource', 'iam:PassRole'],
        read: ['appsync:GetDataSource'],
        update: ['appsync:GetDataSource', 'appsync:UpdateDataSource', 'iam:PassRole'],
        delete: ['appsync:DeleteDataSource', 'appsync:GetDataSource'],
      },
      title: 'awsperm overlay: AWS::AppSync::DataSource (and the service role it hands to AppSync)',
      url: `${CFN}/aws-resource-appsync-datasource.html; ${SAR}/list_awsappsync.html`,
    },
  ],
  [
    'AWS::AppSync::FunctionConfiguration',
    {
      // Code and mapping templates may be given as S3 locations, which CloudFormation reads.
      handlers: {
        create: ['appsync:CreateFunction', 'appsync:GetFunction', 's3:GetObject'],
        read: ['appsync:GetFunction'],
        update: ['appsync:GetFunction', 'appsync:UpdateFunction', 's3:GetObject'],
        delete: ['appsync:DeleteFunction'],
      },
      title: 'awsperm overlay: AWS::AppSync::FunctionConfiguration',
      url: `${CFN}/aws-resource-appsync-functionconfiguration.html; ${SAR}/list_awsappsync.html`,
    },
  ],
  [
    'AWS::ApiGatewayV2::Stage',
    {
      // API Gateway authorizes by HTTP method on the resource path, like the other AWS::ApiGatewayV2 types.
      handlers: {
        create: ['apigateway:GET', 'apigateway:POST'],
        read: ['apigateway:GET'],
        update: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT'],
        delete: ['apigateway:DELETE', 'apigateway:GET'],
      },
      title: 'awsperm overlay: AWS::ApiGatewayV2::Stage',
      url: `${CFN}/aws-resource-apigatewayv2-stage.html; ${SAR}/list_amazonapigatewaymanagementv2.html`,
    },
  ],
  [
    'AWS::CDK::Metadata',
    {
      // Version-reporting metadata the CDK adds; CloudFormation records it and calls no service.
      handlers: none,
      title: 'awsperm overlay: AWS::CDK::Metadata (CDK version reporting; nothing is called)',
      url: 'https://docs.aws.amazon.com/cdk/v2/guide/usage-data.html',
    },
  ],
  [
    'AWS::CloudFormation::WaitConditionHandle',
    {
      handlers: none,
      title: 'awsperm overlay: AWS::CloudFormation::WaitConditionHandle (a presigned URL CloudFormation makes itself)',
      url: `${CFN}/aws-resource-cloudformation-waitconditionhandle.html`,
    },
  ],
  [
    'AWS::CloudFormation::WaitCondition',
    {
      handlers: none,
      title: 'awsperm overlay: AWS::CloudFormation::WaitCondition (CloudFormation waits for signals itself)',
      url: `${CFN}/aws-resource-cloudformation-waitcondition.html`,
    },
  ],
]);

const CUSTOM_RESOURCE_URL = `${CFN}/template-custom-resources.html; ${SAR}/list_awslambda.html; ${SAR}/list_amazonsns.html`;
const INVOKE = 'lambda:InvokeFunction';
const PUBLISH = 'sns:Publish';

/** True for custom resource types: `AWS::CloudFormation::CustomResource` and any `Custom::Name`. */
export function isCustomResourceType(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || /^Custom::[A-Za-z0-9_@-]+$/.test(type);
}

/**
 * The action CloudFormation needs to send a custom resource's requests to its `ServiceToken`: `lambda:InvokeFunction`
 * for a Lambda function, `sns:Publish` for an SNS topic. `serviceToken` is the property's template value: an ARN
 * string decides by its service; otherwise `referencedType` (the type of the resource a `Ref`/`Fn::GetAtt` names,
 * e.g. `AWS::Lambda::Function`, `AWS::SNS::Topic`) decides. When neither tells, both actions are returned.
 */
export function customResourceActions(serviceToken: unknown, referencedType?: string): string[] {
  if (typeof serviceToken === 'string') {
    const service = /^arn:[^:]+:([^:]+):/.exec(serviceToken)?.[1];
    if (service === 'lambda') return [INVOKE];
    if (service === 'sns') return [PUBLISH];
  }
  if (referencedType?.startsWith('AWS::Lambda::')) return [INVOKE];
  if (referencedType === 'AWS::SNS::Topic') return [PUBLISH];
  return [INVOKE, PUBLISH];
}

/**
 * The overlay entry for a type: a hand-written entry of {@link OVERLAY_HANDLER_PERMISSIONS}, or for a custom
 * resource type both possible ServiceToken actions on create, update and delete (the template reader narrows them
 * with {@link customResourceActions}).
 */
export function overlayFor(type: string): OverlayEntry | undefined {
  const entry = OVERLAY_HANDLER_PERMISSIONS.get(type);
  if (entry) return entry;
  if (isCustomResourceType(type)) {
    return {
      handlers: same([INVOKE, PUBLISH]),
      title: `awsperm overlay: custom resource ${type} (the action its ServiceToken needs; see customResourceActions)`,
      url: CUSTOM_RESOURCE_URL,
    };
  }
  return undefined;
}
