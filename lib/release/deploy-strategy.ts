import { k8s, PercentOrAbsolute } from 'cdk8s-plus-27';
import { BlueGreenRollout, BlueGreenRolloutOptions } from './blue-green';
import { CanaryRollout, CanaryRolloutOptions } from './canary';
import { checkOptions, P } from '../props/schema';
import { check, checkPercentOrAbsolute } from '../props/checks';
import { isZeroCountOrPercent } from '../rules/quantity';
import { IRolloutWorkload } from './workload';
import { AnalysisTemplateRef } from './rollout-analysis';
import { BlueGreenRolloutOptionsSchema } from './blue-green';
import { CanaryRolloutOptionsSchema } from './canary';

export interface RollingUpdateOptions {
  /**
   * Pods created above the desired count during an update.
   * @default PercentOrAbsolute.percent(25)
   */
  readonly maxSurge?: PercentOrAbsolute;
  /**
   * Pods that may be unavailable during an update (at most 100%).
   * @default PercentOrAbsolute.absolute(0) (no capacity is lost while a new version rolls out)
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/** How a JavaApp replaces one version with the next. */
export abstract class DeployStrategy {
  /** Kubernetes' own rolling update of the Deployment. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): DeployStrategy {
    checkOptions('DeployStrategy.rollingUpdate', options, RollingUpdateOptionsSchema);
    return new RollingUpdateStrategy(options);
  }

  /**
   * Blue-green with Argo Rollouts: the Deployment keeps `replicas: 0`, a Rollout drives it through
   * `workloadRef`, the app's Service is the active Service and a preview Service shows green until
   * someone promotes.
   */
  public static blueGreen(options: BlueGreenRolloutOptions = {}): DeployStrategy {
    checkOptions('DeployStrategy.blueGreen', options, BlueGreenRolloutOptionsSchema);
    return new BlueGreenStrategy(options);
  }

  /**
   * Canary with Argo Rollouts: the Deployment keeps `replicas: 0`, a Rollout drives it through
   * `workloadRef` and moves traffic to the new version step by step (NGINX traffic routing through
   * the app's Ingress when it has one, by pod count otherwise), with optional analysis.
   */
  public static canary(options: CanaryRolloutOptions = {}): DeployStrategy {
    checkOptions('DeployStrategy.canary', options, CanaryRolloutOptionsSchema);
    return new CanaryStrategy(options);
  }

  /** Whether an Argo Rollout drives the Deployment. */
  public abstract readonly isRollout: boolean;

  /** The Deployment's own strategy. */
  public abstract deploymentStrategy(construct: string, id: string): k8s.DeploymentStrategy | undefined;

  /**
   * The Services that carry users' traffic to the app whose own Service is `appService`: the
   * on-call alerts measure each of them on its own.
   */
  public abstract servingServices(appService: string): string[];

  /** Every template the release's analyses run (background, steps, before and after promotion). */
  public abstract analysisTemplates(): AnalysisTemplateRef[];

  /** Adds what the strategy needs next to the app (a Rollout and its Services, ...). */
  public abstract bind(app: IRolloutWorkload & import('constructs').Construct): void;
}

class RollingUpdateStrategy extends DeployStrategy {
  public readonly isRollout = false;
  constructor(private readonly options: RollingUpdateOptions) { super(); }

  public deploymentStrategy(construct: string, id: string): k8s.DeploymentStrategy {
    // ValidateRollingUpdateDeployment: counts or percentages, maxUnavailable at most 100%, not both 0.
    const maxSurge = checkPercentOrAbsolute(construct, id, 'strategy rollingUpdate maxSurge', this.options.maxSurge ?? PercentOrAbsolute.percent(25), false);
    const maxUnavailable = checkPercentOrAbsolute(construct, id, 'strategy rollingUpdate maxUnavailable', this.options.maxUnavailable ?? PercentOrAbsolute.absolute(0), true);
    check(!(isZeroCountOrPercent(maxSurge) && isZeroCountOrPercent(maxUnavailable)), construct, id, () =>
      'strategy rollingUpdate maxSurge and maxUnavailable must not both be 0: the update could never make progress');
    const value = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: value(maxSurge), maxUnavailable: value(maxUnavailable) } };
  }

  public servingServices(appService: string): string[] {
    return [appService];
  }

  public analysisTemplates(): AnalysisTemplateRef[] {
    return [];
  }

  public bind(): void {}
}

class BlueGreenStrategy extends DeployStrategy {
  public readonly isRollout = true;
  constructor(private readonly options: BlueGreenRolloutOptions) { super(); }

  public deploymentStrategy(): undefined {
    return undefined;
  }

  /** The active Service; the preview carries testers' traffic only, and after promotion the same pods as the active one. */
  public servingServices(appService: string): string[] {
    return [appService];
  }

  public analysisTemplates(): AnalysisTemplateRef[] {
    return [...this.options.prePromotionAnalysis?.templates ?? [], ...this.options.postPromotionAnalysis?.templates ?? []];
  }

  public bind(app: IRolloutWorkload & import('constructs').Construct): void {
    new BlueGreenRollout(app, 'Rollout', { ...this.options, workload: app });
  }
}

class CanaryStrategy extends DeployStrategy {
  public readonly isRollout = true;
  constructor(private readonly options: CanaryRolloutOptions) { super(); }

  public deploymentStrategy(): undefined {
    return undefined;
  }

  /** The app's (stable) Service and the canary Service: the canary serves its share of users' requests. */
  public servingServices(appService: string): string[] {
    return [appService, this.options.canaryServiceName ?? `${appService}-canary`];
  }

  public analysisTemplates(): AnalysisTemplateRef[] {
    const steps = this.options.steps ?? [];
    return [...this.options.analysis?.templates ?? [], ...steps.flatMap((s) => s.analysis?.templates ?? [])];
  }

  public bind(app: IRolloutWorkload & import('constructs').Construct): void {
    new CanaryRollout(app, 'Rollout', { ...this.options, workload: app });
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const RollingUpdateOptionsSchema = P.object('RollingUpdateOptions', { maxSurge: P.countOrPercent, maxUnavailable: P.countOrPercent });
