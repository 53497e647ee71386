import { checkOptions, P } from '../props/schema';

/** Options shared by manual and automated sync policies. */
export interface SyncPolicyOptions {
  /**
   * Apply with Kubernetes server-side apply (`ServerSideApply=true`). Refused for a folder whose
   * Services Argo Rollouts manages: the Rollouts controller and Argo CD would fight over the
   * Service selector (argoproj/argo-rollouts#3437).
   * @default false (client-side apply, Argo CD's default)
   */
  readonly serverSideApply?: boolean;
  /**
   * Retries of a failed sync, with exponential backoff from 10s up to 3m. 0 turns retries off.
   * @default 5
   */
  readonly retryLimit?: number;
}

/** Options of an automated sync policy. */
export interface AutomatedSyncOptions extends SyncPolicyOptions {
  /**
   * Delete objects from the cluster that are no longer in Git (after everything else is synced:
   * `PruneLast=true`).
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Revert changes made in the cluster outside Git.
   * @default false
   */
  readonly selfHeal?: boolean;
}

/** When Argo CD applies a folder of `dist/`: on every commit, or when someone presses Sync. */
export class SyncPolicy {
  /** Argo CD syncs every commit by itself (typical for development environments). */
  public static automated(options: AutomatedSyncOptions = {}): SyncPolicy {
    checkOptions('SyncPolicy.automated', options, AutomatedSyncOptionsSchema);
    return new SyncPolicy(true, options.prune ?? false, options.selfHeal ?? false, options);
  }

  /** Argo CD shows the difference; a person syncs it (typical for production). */
  public static manual(options: SyncPolicyOptions = {}): SyncPolicy {
    checkOptions('SyncPolicy.manual', options, SyncPolicyOptionsSchema);
    return new SyncPolicy(false, false, false, options);
  }

  public readonly serverSideApply: boolean;
  public readonly retryLimit: number;

  private constructor(
    public readonly isAutomated: boolean,
    public readonly prune: boolean,
    public readonly selfHeal: boolean,
    options: SyncPolicyOptions,
  ) {
    this.serverSideApply = options.serverSideApply ?? false;
    this.retryLimit = options.retryLimit ?? 5;
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const SyncPolicyOptionsSchema = P.object('SyncPolicyOptions', { serverSideApply: P.boolean, retryLimit: P.number });
export const AutomatedSyncOptionsSchema = P.object('AutomatedSyncOptions', { prune: P.boolean, selfHeal: P.boolean }, SyncPolicyOptionsSchema);
