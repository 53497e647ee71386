import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as rollouts from '../../imports/rollouts-argoproj.io';
import { check, checkInt32, checkInteger, checkName, checkObjectName, checkPercentOrAbsolute, checkRule, checkSeconds, showDuration } from '../props/checks';
import { GATEWAY_API_PLUGIN } from '../rules/gateway';
import { qualifiedName } from '../rules/names';
import { isZeroCountOrPercent } from '../rules/quantity';
import { analysisToKube, checkRolloutAnalysis, MeasuredService, measuredAnalysis, RolloutAnalysis, RolloutAnalysisSchema } from './rollout-analysis';
import { checkOptions, checkProps, P } from '../props/schema';
import { addRolloutServices, IRolloutWorkload, ROLLOUT_WORKLOAD, RolloutWorkload, workloadRefSpec } from './workload';

const CONSTRUCT = 'CanaryRollout';

/** Options of `CanaryStep.setCanaryScale()`: exactly one of them. */
export interface SetCanaryScaleOptions {
  /** Run this many canary pods, whatever the traffic weight. */
  readonly replicas?: number;
  /** Run this percentage of the Rollout's replicas as canary pods (above 100, more canary pods than replicas). */
  readonly weight?: number;
  /** Scale the canary with the traffic weight again (undoes an earlier setCanaryScale). */
  readonly matchTrafficWeight?: boolean;
}

type StepKind = 'setWeight' | 'pause' | 'analysis' | 'setCanaryScale';

/** One step of a canary release; the steps run in order, then the canary becomes stable. */
export class CanaryStep {
  /** Send this percentage (0-100) of the traffic to the canary (by Ingress weight, or by pod count without traffic routing). */
  public static setWeight(percent: number): CanaryStep {
    return new CanaryStep('setWeight', percent);
  }

  /**
   * Wait. Without a duration the rollout waits until a person runs
   * `kubectl argo rollouts promote <app>`; with one (whole seconds) it goes on by itself.
   */
  public static pause(duration?: Duration): CanaryStep {
    return new CanaryStep('pause', duration);
  }

  /** Run analysis templates and wait for their result: success goes on, failure aborts the rollout. */
  public static analysis(analysis: RolloutAnalysis): CanaryStep {
    checkOptions('CanaryStep.analysis', analysis, RolloutAnalysisSchema);
    return new CanaryStep('analysis', analysis);
  }

  /** Scale the canary pods apart from the traffic weight (needs traffic routing). */
  public static setCanaryScale(options: SetCanaryScaleOptions): CanaryStep {
    checkOptions('CanaryStep.setCanaryScale', options, SetCanaryScaleOptionsSchema);
    return new CanaryStep('setCanaryScale', options);
  }

  private constructor(public readonly kind: StepKind, private readonly value: unknown) {}

  /** The step of the Rollout spec; checks it, naming the rollout and the step in errors. */
  /** The step as the Rollout writes it; an analysis step measures `measured` (the canary Service), filled in unless given. */
  public toKube(rollout: string, index: number, measured?: MeasuredService): rollouts.RolloutSpecStrategyCanarySteps {
    const at = `steps[${index}]`;
    switch (this.kind) {
      case 'setWeight': {
        const percent = this.value as number;
        // ValidateRolloutStrategyCanary: InvalidSetWeightMessage, 0 to maxTrafficWeight (100).
        checkInteger(CONSTRUCT, rollout, `${at} setWeight`, percent, 0, 100);
        return { setWeight: percent };
      }
      case 'pause': {
        const duration = this.value as Duration | undefined;
        if (!duration) return { pause: {} };
        // ValidateRolloutStrategyCanary refuses only a negative pause (InvalidDurationMessage): 0 s is valid.
        checkSeconds(CONSTRUCT, rollout, `${at} pause`, duration, 0);
        return { pause: { duration: rollouts.RolloutSpecStrategyCanaryStepsPauseDuration.fromString(showDuration(duration)) } };
      }
      case 'analysis': {
        const a = this.value as RolloutAnalysis;
        check(a.templates.length > 0, CONSTRUCT, rollout, () => `${at} analysis needs at least one template`);
        return { analysis: analysisToKube(measured ? measuredAnalysis(CONSTRUCT, rollout, a, `${at} analysis`, measured) : a) };
      }
      case 'setCanaryScale': {
        const o = this.value as SetCanaryScaleOptions;
        const set = (['replicas', 'weight', 'matchTrafficWeight'] as const).filter((k) => o[k] !== undefined);
        check(set.length === 1, CONSTRUCT, rollout, () => `${at} setCanaryScale needs exactly one of replicas, weight or matchTrafficWeight, got ${set.length ? set.join(' and ') : 'none'}`);
        // int32 fields the controller scales the canary ReplicaSet by (replicas, or a percentage of spec.replicas).
        checkInt32(CONSTRUCT, rollout, `${at} setCanaryScale.replicas`, o.replicas, 0);
        checkInt32(CONSTRUCT, rollout, `${at} setCanaryScale.weight`, o.weight, 0);
        check(o.matchTrafficWeight !== false, CONSTRUCT, rollout, () => `${at} setCanaryScale.matchTrafficWeight can only be true`);
        return { setCanaryScale: { replicas: o.replicas, weight: o.weight, matchTrafficWeight: o.matchTrafficWeight } };
      }
    }
  }

  /** The analysis of an analysis step. */
  public get analysis(): RolloutAnalysis | undefined {
    return this.kind === 'analysis' ? this.value as RolloutAnalysis : undefined;
  }
}

export interface NginxTrafficRoutingOptions {
  /**
   * Name of the Ingress that routes to the stable Service. The Rollouts controller copies it into a
   * canary Ingress (`<rollout>-<ingress>-canary`) and sets its weight at each step.
   * @default the app's own Ingress
   */
  readonly stableIngress?: string;
  /**
   * Prefix of the NGINX canary annotations.
   * @default 'nginx.ingress.kubernetes.io'
   */
  readonly annotationPrefix?: string;
  /**
   * Extra annotations of the canary Ingress, e.g. `canary-by-header` (without the prefix).
   * @default none
   */
  readonly additionalIngressAnnotations?: Record<string, string>;
}

/** How traffic reaches the canary. */
export class CanaryTrafficRouting {
  /**
   * The NGINX ingress controller splits traffic by weight; the stable and canary Services each
   * reach one version only.
   */
  public static nginx(options: NginxTrafficRoutingOptions = {}): CanaryTrafficRouting {
    checkOptions('CanaryTrafficRouting.nginx', options, NginxTrafficRoutingOptionsSchema);
    return new CanaryTrafficRouting(options, undefined);
  }

  /**
   * The Gateway API: Argo Rollouts' Gateway API plugin (`argoproj-labs/gatewayAPI`, registered in
   * the controller: docs/traffic.md) shifts the weights of an HTTPRoute rule that lists the stable
   * Service at 100 and the canary Service at 0 (a JavaApp's own route does).
   */
  public static gatewayApi(options: GatewayApiTrafficRoutingOptions = {}): CanaryTrafficRouting {
    checkOptions('CanaryTrafficRouting.gatewayApi', options, GatewayApiTrafficRoutingOptionsSchema);
    return new CanaryTrafficRouting(undefined, options);
  }

  /**
   * No traffic routing: the app's Service reaches both versions, so the canary's share of the
   * traffic is its share of the pods (a weight of 20% with 5 replicas is 1 canary pod).
   */
  public static replicaCount(): CanaryTrafficRouting {
    return new CanaryTrafficRouting(undefined, undefined);
  }

  /** What the workload's own edge supports: its HTTPRoute, its Ingress, both (a transition), or neither. */
  public static forWorkload(workload: IRolloutWorkload): CanaryTrafficRouting {
    return new CanaryTrafficRouting(workload.ingress ? {} : undefined, workload.route ? {} : undefined);
  }

  private constructor(
    public readonly nginx: NginxTrafficRoutingOptions | undefined,
    public readonly gatewayApi: GatewayApiTrafficRoutingOptions | undefined,
  ) {}
}

/** Options of `CanaryTrafficRouting.gatewayApi()`. */
export interface GatewayApiTrafficRoutingOptions {
  /**
   * Name of the HTTPRoute (in the Rollout's namespace) whose weights the plugin shifts; one of its
   * rules must list both the stable and the canary Service.
   * @default the app's own HTTPRoute
   */
  readonly httpRoute?: string;
}

/** Analysis that runs in the background during the whole release; its failure aborts the rollout. */
export interface CanaryAnalysis extends RolloutAnalysis {
  /**
   * Index of the step at which the analysis starts.
   * @default the step after the first setWeight, so that it measures a canary that serves traffic
   */
  readonly startingStep?: number;
}

/** Options of a canary release; also `DeployStrategy.canary()`'s options. */
export interface CanaryRolloutOptions {
  /**
   * Steps of the release.
   * @default 20% of the traffic, pause until a person promotes, 50%, pause 5 minutes, then 100%
   */
  readonly steps?: CanaryStep[];
  /**
   * Replicas of the Rollout.
   * @default the workload's replicas; left to the autoscaler when the app has one
   */
  readonly replicas?: number;
  /**
   * Old ReplicaSets kept for rollback.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Pods created above the desired count while the canary scales.
   * @default PercentOrAbsolute.percent(25)
   */
  readonly maxSurge?: kplus.PercentOrAbsolute;
  /**
   * Pods that may be unavailable while the canary scales.
   * @default PercentOrAbsolute.absolute(0) (no capacity is lost during a release)
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
  /**
   * Name of the canary Service, which the controller points at the canary pods only.
   * @default '<app>-canary'
   */
  readonly canaryServiceName?: string;
  /**
   * Name of the stable Service (traffic routing only), which the controller points at the stable
   * pods only. For a JavaApp it is the app's own Service, which its Ingress routes to.
   * @default the app's name
   */
  readonly stableServiceName?: string;
  /**
   * Create the Services. Set false to use Services defined elsewhere in the same environment (the
   * validation gate checks that they exist and select the pods).
   * @default true
   */
  readonly createServices?: boolean;
  /**
   * How traffic reaches the canary.
   * @default CanaryTrafficRouting.gatewayApi() when the workload has an HTTPRoute, CanaryTrafficRouting.nginx()
   * when it has an Ingress (both while an environment moves), else CanaryTrafficRouting.replicaCount()
   */
  readonly trafficRouting?: CanaryTrafficRouting;
  /**
   * Analysis that runs in the background from `startingStep` until the release ends.
   * @default none
   */
  readonly analysis?: CanaryAnalysis;
}

export interface CanaryRolloutProps extends CanaryRolloutOptions {
  /** The workload: a JavaApp, or a cdk8s-plus Deployment. */
  readonly workload: IRolloutWorkload | kplus.Deployment;
}

/**
 * Canary release with Argo Rollouts: the Deployment holds the pod template with `replicas: 0`; a
 * Rollout of the same name drives it through `workloadRef` and moves traffic to the new version step
 * by step, with NGINX traffic routing when the app has an Ingress, by pod count otherwise.
 */
export class CanaryRollout extends Construct {
  /** The steps used when none are given: 20%, pause until promoted, 50%, pause 5 minutes, 100%. */
  public static defaultSteps(): CanaryStep[] {
    return [CanaryStep.setWeight(20), CanaryStep.pause(), CanaryStep.setWeight(50), CanaryStep.pause(Duration.minutes(5))];
  }

  /** Name of the Rollout (the workload's name). */
  public readonly name: string;
  public readonly canaryServiceName: string;
  /** The stable Service; undefined without traffic routing, where the app's Service reaches both versions. */
  public readonly stableServiceName?: string;
  /** The Ingress whose traffic NGINX splits; undefined without NGINX routing. */
  public readonly stableIngressName?: string;
  /** The HTTPRoute whose weights the Gateway API plugin shifts; undefined without it. */
  public readonly httpRouteName?: string;
  public readonly rollout: rollouts.Rollout;

  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    checkProps(CONSTRUCT, id, props, CanaryRolloutPropsSchema);
    const workload = props.workload instanceof kplus.Deployment ? RolloutWorkload.fromDeployment(props.workload) : props.workload;
    const name = workload.name;
    this.name = name;
    checkInt32(CONSTRUCT, name, 'replicas', props.replicas, 0);
    checkInt32(CONSTRUCT, name, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    const { maxSurge, maxUnavailable } = surgeOf(name, props);

    const routing = props.trafficRouting ?? CanaryTrafficRouting.forWorkload(workload);
    const nginx = routing.nginx;
    const plugin = routing.gatewayApi;
    const appService = workload.service?.name;
    const names = this.routingNames(props, workload, routing);
    this.canaryServiceName = names.canaryServiceName;
    this.stableServiceName = names.stableServiceName;
    this.stableIngressName = names.stableIngressName;
    this.httpRouteName = names.httpRouteName;

    const steps = props.steps ?? CanaryRollout.defaultSteps();
    check(steps.length > 0, CONSTRUCT, name, () => 'steps must not be empty: without steps the new version is promoted at once; use DeployStrategy.rollingUpdate() for that');
    const measured = this.measuredService(appService);
    const kubeSteps = steps.map((s, i) => s.toKube(name, i, measured));
    steps.forEach((s, i) => {
      check(s.kind !== 'setCanaryScale' || nginx !== undefined || plugin !== undefined, CONSTRUCT, name, () =>
        `steps[${i}] setCanaryScale needs traffic routing: without it the canary's pods are its traffic weight; remove the step or use CanaryTrafficRouting.nginx() or .gatewayApi()`);
      if (s.analysis) this.checkAnalysis(measuredAnalysis(CONSTRUCT, name, s.analysis, `steps[${i}] analysis`, measured), `steps[${i}] analysis`, workload.namespace, true);
    });

    const analysis = props.analysis && this.backgroundAnalysis(props.analysis, steps, measured, workload.namespace);

    workload.handOver(name);
    // The app's own route gets both Services in its rule, at 100 and 0, for the plugin to shift.
    if (plugin && workload.route && workload.route.name === this.httpRouteName) workload.route.splitForCanary(this.canaryServiceName);

    const metadata = (n: string) => ({ name: n, namespace: workload.namespace, labels: workload.labels });
    if (props.createServices ?? true) {
      // A plain Deployment has no Service of its own: the stable one, or without routing the one that reaches both versions.
      const services: [string, string][] = [['CanaryService', this.canaryServiceName]];
      if (!appService) services.unshift(['StableService', this.stableServiceName ?? name]);
      addRolloutServices(this, CONSTRUCT, workload, services);
    }

    this.rollout = new rollouts.Rollout(this, 'Resource', {
      metadata: metadata(name),
      spec: {
        ...workloadRefSpec(workload, props.replicas ?? workload.desiredReplicas, props.revisionHistoryLimit),
        strategy: {
          canary: {
            canaryService: this.canaryServiceName,
            stableService: this.stableServiceName,
            maxSurge: typeof maxSurge === 'number' ? rollouts.RolloutSpecStrategyCanaryMaxSurge.fromNumber(maxSurge) : rollouts.RolloutSpecStrategyCanaryMaxSurge.fromString(maxSurge),
            maxUnavailable: typeof maxUnavailable === 'number'
              ? rollouts.RolloutSpecStrategyCanaryMaxUnavailable.fromNumber(maxUnavailable) : rollouts.RolloutSpecStrategyCanaryMaxUnavailable.fromString(maxUnavailable),
            trafficRouting: nginx || plugin ? {
              nginx: nginx && {
                stableIngress: this.stableIngressName!,
                annotationPrefix: nginx.annotationPrefix,
                additionalIngressAnnotations: nginx.additionalIngressAnnotations,
              },
              // The plugin's config is not validated by the API server (preserve-unknown-fields): the gate checks it.
              plugins: plugin && { [GATEWAY_API_PLUGIN]: { httpRoute: this.httpRouteName, namespace: workload.namespace } },
            } : undefined,
            analysis,
            steps: kubeSteps,
          },
        },
      },
    });
  }

  /** The analysis that runs in the background, from the step after the first weight unless told. */
  private backgroundAnalysis(given: CanaryAnalysis, steps: CanaryStep[], measured: MeasuredService,
    namespace: string | undefined): rollouts.RolloutSpecStrategyCanaryAnalysis {
    const name = this.name;
    check(given.templates.length > 0, CONSTRUCT, name, () => 'analysis needs at least one template');
    const background = measuredAnalysis(CONSTRUCT, name, given, 'analysis', measured);
    this.checkAnalysis(background, 'analysis', namespace, false);
    const firstWeight = steps.findIndex((s) => s.kind === 'setWeight' || s.kind === 'setCanaryScale');
    const startingStep = given.startingStep ?? (firstWeight >= 0 && firstWeight + 1 < steps.length ? firstWeight + 1 : undefined);
    // Platform policy (docs/validation.md): the controller starts it when the current step reaches it
    // (BeforeStartingStep), so one past the last step would never run.
    checkInteger(CONSTRUCT, name, 'analysis.startingStep', startingStep, 0, steps.length - 1);
    return { ...analysisToKube(background), startingStep: startingStep || undefined };
  }

  /** The Services and Ingress the controller works with: checked against the app's own and each other. */
  private routingNames(props: CanaryRolloutProps, workload: IRolloutWorkload, routing: CanaryTrafficRouting):
  { canaryServiceName: string; stableServiceName?: string; stableIngressName?: string; httpRouteName?: string } {
    const nginx = routing.nginx;
    const name = this.name;
    const appService = workload.service?.name;
    const canaryServiceName = props.canaryServiceName ?? `${name}-canary`;
    let stableServiceName: string | undefined;
    let stableIngressName: string | undefined;
    let httpRouteName: string | undefined;
    checkName(CONSTRUCT, name, 'canaryServiceName', canaryServiceName);
    // ValidateServiceName is NameIsDNS1035Label: a Service name starts with a letter.
    checkObjectName(CONSTRUCT, name, 'canaryServiceName', 'Service', canaryServiceName);
    if (nginx || routing.gatewayApi) {
      stableServiceName = props.stableServiceName ?? appService ?? name;
      checkName(CONSTRUCT, name, 'stableServiceName', stableServiceName);
      checkObjectName(CONSTRUCT, name, 'stableServiceName', 'Service', stableServiceName);
      check(stableServiceName !== canaryServiceName, CONSTRUCT, name, () =>
        `canaryServiceName and stableServiceName must differ, both are "${canaryServiceName}"`);
      if (appService) {
        // The app's Ingress routes to the app's Service: it must be the one the controller keeps on the stable pods.
        check(stableServiceName === appService, CONSTRUCT, name, () =>
          `stableServiceName must be the app's own Service "${appService}" (its Ingress or HTTPRoute routes there, and any other Service selecting the pods would reach both versions); omit it`);
      }
    }
    if (routing.gatewayApi) {
      httpRouteName = routing.gatewayApi.httpRoute ?? workload.route?.name;
      check(httpRouteName !== undefined, CONSTRUCT, name, () =>
        'trafficRouting gatewayApi needs an HTTPRoute: the workload has none, so set CanaryTrafficRouting.gatewayApi({ httpRoute: \'<route>\' }) or use CanaryTrafficRouting.replicaCount()');
      checkObjectName(CONSTRUCT, name, 'trafficRouting gatewayApi httpRoute', 'HTTPRoute', httpRouteName!);
    }
    if (nginx) {
      stableIngressName = nginx.stableIngress ?? workload.ingress?.name;
      check(stableIngressName !== undefined, CONSTRUCT, name, () =>
        'trafficRouting nginx needs an Ingress: the workload has none, so set CanaryTrafficRouting.nginx({ stableIngress: \'<ingress>\' }) or use CanaryTrafficRouting.replicaCount()');
      checkObjectName(CONSTRUCT, name, 'trafficRouting nginx stableIngress', 'Ingress', stableIngressName!);
      const prefix = nginx.annotationPrefix ?? 'nginx.ingress.kubernetes.io';
      for (const key of Object.keys(nginx.additionalIngressAnnotations ?? {})) {
        // The controller prefixes the key and writes it on the canary Ingress, which the API server refuses with an invalid key.
        const full = key.startsWith(prefix) ? key : `${prefix}/${key}`;
        checkRule(CONSTRUCT, name, `trafficRouting nginx additionalIngressAnnotations key "${key}" (written as "${full}")`, qualifiedName(full.toLowerCase()));
        check(full !== `${prefix}/canary` && full !== `${prefix}/canary-weight`, CONSTRUCT, name, () =>
          `trafficRouting nginx additionalIngressAnnotations key "${key}" is set by the controller at every step: remove it`);
      }
    }
    if (!nginx && !routing.gatewayApi) {
      check(props.stableServiceName === undefined, CONSTRUCT, name, () =>
        'stableServiceName only applies with traffic routing: without it the app\'s Service must reach both versions so that traffic splits by pod count; omit it');
      check(canaryServiceName !== (appService ?? name), CONSTRUCT, name, () =>
        `canaryServiceName must differ from the app's Service "${appService ?? name}"`);
    }
    return { canaryServiceName, stableServiceName, stableIngressName, httpRouteName };
  }

  /** Every analysis grades the new version: it measures the canary Service, never the one of the released version. */
  private measuredService(appService: string | undefined): MeasuredService {
    const stable = this.stableServiceName ?? appService ?? this.name;
    const routed = this.stableServiceName !== undefined;
    return {
      name: this.canaryServiceName,
      role: 'the canary Service',
      others: { [stable]: `the ${routed ? 'stable' : 'app\'s'} Service, which carries the released version${routed ? '' : ' (and the canary\'s pods)'}` },
    };
  }

  private checkAnalysis(analysis: RolloutAnalysis, where: string, namespace: string | undefined, step: boolean): void {
    checkRolloutAnalysis(CONSTRUCT, this.name, analysis, where, namespace, step ? 'the step' : undefined);
  }
}

/** maxSurge and maxUnavailable with their defaults, checked as the controller reads them. */
function surgeOf(name: string, props: CanaryRolloutProps): { maxSurge: number | string; maxUnavailable: number | string } {
  // The controller reads both with getIntOrPercentValue, caps neither at 100% and refuses only both
  // zero (invalidMaxSurgeMaxUnavailable).
  const maxSurge = checkPercentOrAbsolute(CONSTRUCT, name, 'maxSurge', props.maxSurge ?? kplus.PercentOrAbsolute.percent(25), false);
  const maxUnavailable = checkPercentOrAbsolute(CONSTRUCT, name, 'maxUnavailable', props.maxUnavailable ?? kplus.PercentOrAbsolute.absolute(0), false);
  check(!(isZeroCountOrPercent(maxSurge) && isZeroCountOrPercent(maxUnavailable)), CONSTRUCT, name, () =>
    'maxSurge and maxUnavailable must not both be 0: the canary could never be scaled up');
  return { maxSurge, maxUnavailable };
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const SetCanaryScaleOptionsSchema = P.object('SetCanaryScaleOptions', {
  replicas: P.number, weight: P.number, matchTrafficWeight: P.boolean,
});
export const GatewayApiTrafficRoutingOptionsSchema = P.object('GatewayApiTrafficRoutingOptions', { httpRoute: P.string });
export const NginxTrafficRoutingOptionsSchema = P.object('NginxTrafficRoutingOptions', {
  stableIngress: P.string, annotationPrefix: P.string, additionalIngressAnnotations: P.stringMap,
});
export const CanaryAnalysisSchema = P.object('CanaryAnalysis', { startingStep: P.number }, RolloutAnalysisSchema);
export const CanaryRolloutOptionsSchema = P.object('CanaryRolloutOptions', {
  steps: P.array(P.instance('CanaryStep', CanaryStep)), replicas: P.number, revisionHistoryLimit: P.number,
  maxSurge: P.countOrPercent, maxUnavailable: P.countOrPercent, canaryServiceName: P.string, stableServiceName: P.string,
  createServices: P.boolean, trafficRouting: P.instance('CanaryTrafficRouting', CanaryTrafficRouting), analysis: CanaryAnalysisSchema,
});
export const CanaryRolloutPropsSchema = P.object('CanaryRolloutProps', { workload: P.required(ROLLOUT_WORKLOAD) }, CanaryRolloutOptionsSchema);
