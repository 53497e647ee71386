import type { PipelineServiceAccounts } from './access';
import type { PipelineImages } from './options';
import type { RolloutReach } from './reach';

/** Names of the WorkflowTemplates, and of deploy-app's template: they call each other by name. */
export const TEMPLATE_NAMES = {
  serve: 'serve-java-app',
  deploy: 'deploy-app',
  deployTemplate: 'deploy-java-app',
  promote: 'promote-java-app',
  abort: 'abort-java-app',
  promoteRelease: 'promote-release',
} as const;

/** The GitOps repository the deploy steps clone, read and push. */
export interface GitOpsTarget {
  readonly repo: string;
  readonly branch: string;
  /** Secret with its write credentials (`username`, `password`): the push alone reads it. */
  readonly secret: string;
  /** Secret with its read-only credentials, optional: the steps that only read. */
  readonly readSecret: string;
  /** Packages whose install scripts the deploy's render runs. */
  readonly installScripts: string[];
}

/**
 * What the builders of the deploy-side WorkflowTemplates share, resolved from the props by
 * PipelineTemplate: they build specs from it and declare nothing themselves.
 */
export interface PipelineContext {
  readonly images: Required<PipelineImages>;
  readonly serviceAccounts: PipelineServiceAccounts;
  readonly gitops: GitOpsTarget;
  /** How long the deploy waits for the Rollout, in seconds. */
  readonly waitTimeout: number;
  readonly reach: RolloutReach;
}
