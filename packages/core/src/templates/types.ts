/** One resource of a CloudFormation template, with intrinsic functions in their long (JSON) form. */
export interface TemplateResource {
  /** The resource type, e.g. `AWS::S3::Bucket` or `Custom::MyThing`. */
  Type: string;
  /** The resource's properties, as written. */
  Properties?: Record<string, unknown>;
  /** The resource's metadata, as written (CDK records asset paths here). */
  Metadata?: Record<string, unknown>;
  /** Any other attribute (`DependsOn`, `Condition`, `DeletionPolicy`, …). */
  [attribute: string]: unknown;
}

/** A CloudFormation template: short-form YAML tags are already turned into their long form (`!Ref x` → `{ Ref: x }`). */
export interface CfnTemplate {
  /** The resources, by logical id; at least one. */
  Resources: Record<string, TemplateResource>;
  /** Any other section (`Parameters`, `Conditions`, `Outputs`, …). */
  [section: string]: unknown;
}

/** The account and region a stack deploys to, where known. */
export interface StackEnvironment {
  /** Account id, when the cloud assembly or the command line fixes it. */
  account?: string;
  /** Region, when the cloud assembly or the command line fixes it. */
  region?: string;
}

/** One stack to deploy: a top-level template or a nested stack's template. */
export interface TemplateStack {
  /** Stack name (`Parent/LogicalId` for a nested stack). */
  name: string;
  /** The template file, absolute. */
  file: string;
  /** The parsed template. */
  template: CfnTemplate;
  /** Account and region from the cloud assembly (`aws://account/region`), when it fixes them. */
  environment: StackEnvironment;
  /** For a nested stack: the parent stack's name. */
  parent?: string;
  /** The name CloudFormation will give the stack, when the cloud assembly fixes it (not for nested stacks or files). */
  stackName?: string;
}

/** One asset destination a deploy publishes to, from a `*.assets.json` file of a cloud assembly. */
export type AssetDestination =
  | {
      /** A file asset: uploaded to an S3 bucket. */
      kind: 'file';
      /** The bucket name, with `${AWS::AccountId}`-style placeholders already substituted (`*` where unknown). */
      bucketName: string;
      /** The object key. */
      objectKey: string;
      /** The role the publisher assumes first (the CDK file-publishing role), when given. */
      assumeRoleArn?: string;
      /** The region of the bucket, when known. */
      region?: string;
    }
  | {
      /** A Docker image asset: pushed to an ECR repository. */
      kind: 'image';
      /** The repository name, placeholders substituted. */
      repositoryName: string;
      /** The role the publisher assumes first (the CDK image-publishing role), when given. */
      assumeRoleArn?: string;
      /** The account of the repository, when known. */
      account?: string;
      /** The region of the repository, when known. */
      region?: string;
    };

/** The assets one stack publishes before it deploys. */
export interface StackAssets {
  /** The stack they belong to. */
  stack: string;
  /** The `*.assets.json` file they were read from. */
  file: string;
  /** Where they go. */
  destinations: AssetDestination[];
}

/** Everything read from `--template` paths or a tool's template locations. */
export interface LoadedTemplates {
  /** Every stack, top-level and nested, in the order found. */
  stacks: TemplateStack[];
  /** Asset publishing per stack (cloud assemblies only). */
  assets: StackAssets[];
  /** Things the user should know that do not stop the run (a nested stack whose template is not local, …). */
  warnings: string[];
}

/** A resource type no source of handler permissions knows, and where it is used. */
export interface UnresolvedType {
  /** The resource type, e.g. `AWS::Foo::Bar`. */
  type: string;
  /** Where it is used, as `<stack>/<logicalId>`. */
  resources: string[];
}
