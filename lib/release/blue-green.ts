import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as rollouts from '../../imports/rollouts-argoproj.io';
import { Environment } from '../platform';
import { AppRoute, checkIngressOnly, Traffic } from '../traffic';
import { isCidr } from '../rules/network';
import { check, checkInt32, checkName, checkObjectName, checkRule, checkSeconds } from '../props/checks';
import { INT32_MAX } from '../rules/quantity';
import { ingressClassName, ingressHost, tlsSecretName } from '../rules/ingress';
import { analysisToKube, checkRolloutAnalysis, measuredAnalysis, RolloutAnalysis, RolloutAnalysisSchema } from './rollout-analysis';
import { checkProps, P } from '../props/schema';
import { addRolloutServices, IRolloutWorkload, ROLLOUT_WORKLOAD, RolloutWorkload, workloadRefSpec } from './workload';
import { addSelfCheck } from '../props/self-check';

/**
 * How testers reach green before promotion: an Ingress limited to private networks, or under the
 * Gateway API an HTTPRoute on the environment's internal Gateway (`previewGateway`).
 */
export interface PreviewIngressOptions {
  /** Host at which testers reach green before promotion, e.g. `orders-preview.example.com`. */
  readonly host: string;
  /**
   * Name of an existing TLS Secret for the host; an Ingress's only (refused under the Gateway API,
   * where the Gateway's listener holds the certificate).
   * @default the environment's `Traffic.ingress({ tlsSecretName })` pattern, else no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Ingress class, e.g. an internal one (`nginx-internal`) served by a controller that is reachable
   * from the office or VPN only; an Ingress's only.
   * @default the environment's `Traffic.ingress({ className })`, else 'nginx'
   */
  readonly className?: string;
  /**
   * Client address ranges (IPv4 CIDRs) allowed to reach the unreleased version, written as
   * ingress-nginx's `nginx.ingress.kubernetes.io/whitelist-source-range`; others get 403. The
   * controller must see client addresses (`externalTrafficPolicy: Local` or the PROXY protocol), or
   * every client arrives from a private node address and passes.
   * `['0.0.0.0/0']` makes the preview public, on purpose. An Ingress's only: an HTTPRoute has no
   * client-address filter, so under the Gateway API the preview attaches to the internal Gateway.
   * @default PRIVATE_NETWORKS: the RFC 1918 ranges, i.e. in-cluster, office and VPN clients only
   */
  readonly allowSourceRanges?: string[];
  /**
   * Under the Gateway API, attach the preview route to the environment's public Gateway, making the
   * unreleased version reachable from the internet, on purpose.
   * @default false: the preview route attaches to the environment's `previewGateway` only
   */
  readonly publicGateway?: boolean;
}

/** The RFC 1918 private address ranges: the preview Ingress's default allow-list. */
export const PRIVATE_NETWORKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** ingress-nginx's allow-list annotation (a comma-separated list of CIDRs). */
export const SOURCE_RANGE_ANNOTATION = 'nginx.ingress.kubernetes.io/whitelist-source-range';

/** Options of a blue-green release; also `DeployStrategy.blueGreen()`'s options. */
export interface BlueGreenRolloutOptions {
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
   * Name of the active Service (production traffic). For a JavaApp it is the app's own Service.
   * @default the app's name
   */
  readonly activeServiceName?: string;
  /**
   * Name of the preview Service (green, before promotion).
   * @default '<app>-preview'
   */
  readonly previewServiceName?: string;
  /**
   * Create the active and preview Services. Set false to use Services defined elsewhere in the
   * same environment (the validation gate checks that they exist and select the pods).
   * @default true
   */
  readonly createServices?: boolean;
  /**
   * Pods of green that run before promotion.
   * @default all replicas
   */
  readonly previewReplicaCount?: number;
  /**
   * Promote green without a person.
   * @default false (someone runs `kubectl argo rollouts promote`)
   */
  readonly autoPromotionEnabled?: boolean;
  /**
   * Promote automatically this long after green is ready (whole seconds); needs `autoPromotionEnabled`.
   * @default none (at once)
   */
  readonly autoPromotionDelay?: Duration;
  /**
   * How long blue keeps running after promotion, so clients drain (whole seconds).
   * @default Duration.seconds(30) (Argo Rollouts' default)
   */
  readonly scaleDownDelay?: Duration;
  /**
   * How long green keeps running after an abort (whole seconds).
   * @default Duration.seconds(30) (Argo Rollouts' default)
   */
  readonly abortScaleDownDelay?: Duration;
  /**
   * Analysis that must pass before the active Service switches to green.
   * @default none
   */
  readonly prePromotionAnalysis?: RolloutAnalysis;
  /**
   * Analysis after the switch; a failure rolls back to blue.
   * @default none
   */
  readonly postPromotionAnalysis?: RolloutAnalysis;
  /**
   * A way to the preview Service (an Ingress or an HTTPRoute, as the traffic of the app says), so
   * testers reach green before promotion.
   * @default none
   */
  readonly previewIngress?: PreviewIngressOptions;
}

export interface BlueGreenRolloutProps extends BlueGreenRolloutOptions {
  /** The workload: a JavaApp, or a cdk8s-plus Deployment. */
  readonly workload: IRolloutWorkload | kplus.Deployment;
}

const CONSTRUCT = 'BlueGreenRollout';

/**
 * Blue-green release with Argo Rollouts, the talk's way: the Deployment holds the pod template with
 * `replicas: 0`; a Rollout of the same name drives it through `workloadRef` and owns the replicas;
 * an active and a preview Service; a person promotes.
 */
export class BlueGreenRollout extends Construct {
  /** Name of the Rollout (the workload's name). */
  public readonly name: string;
  public readonly activeServiceName: string;
  public readonly previewServiceName: string;
  public readonly rollout: rollouts.Rollout;

  constructor(scope: Construct, id: string, props: BlueGreenRolloutProps) {
    super(scope, id);
    checkProps(CONSTRUCT, id, props, BlueGreenRolloutPropsSchema);
    const plain = props.workload instanceof kplus.Deployment ? props.workload : undefined;
    const workload: IRolloutWorkload = plain ? RolloutWorkload.fromDeployment(plain) : props.workload as IRolloutWorkload;
    const name = workload.name;
    this.name = name;
    // int32 fields the controller (and the ReplicaSets it creates) take from 0; the minimums of 1 are
    // platform policy (docs/validation.md): a preview of no pods cannot be tried, and a delay of 0 is none.
    checkInt32(CONSTRUCT, name, 'replicas', props.replicas, 0);
    checkInt32(CONSTRUCT, name, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    checkInt32(CONSTRUCT, name, 'previewReplicaCount', props.previewReplicaCount, 1);
    const autoPromotionSeconds = checkSeconds(CONSTRUCT, name, 'autoPromotionDelay', props.autoPromotionDelay, 1, INT32_MAX);
    const scaleDownDelaySeconds = checkSeconds(CONSTRUCT, name, 'scaleDownDelay', props.scaleDownDelay, 0, INT32_MAX);
    const abortScaleDownDelaySeconds = checkSeconds(CONSTRUCT, name, 'abortScaleDownDelay', props.abortScaleDownDelay, 0, INT32_MAX);
    const autoPromotion = props.autoPromotionEnabled ?? false;
    check(props.autoPromotionDelay === undefined || autoPromotion, CONSTRUCT, name, () =>
      'autoPromotionDelay needs autoPromotionEnabled: true (with auto promotion off a person promotes, so there is nothing to time)');

    this.activeServiceName = props.activeServiceName ?? workload.service?.name ?? name;
    this.previewServiceName = props.previewServiceName ?? `${name}-preview`;
    this.checkServiceNames(workload);
    const replicas = props.replicas ?? workload.desiredReplicas;
    if (props.previewReplicaCount !== undefined && replicas !== undefined) {
      check(props.previewReplicaCount <= replicas, CONSTRUCT, name, () =>
        `previewReplicaCount (${props.previewReplicaCount}) must not exceed replicas (${replicas})`);
    }
    // Before the switch green is only behind the preview Service; after it, behind the active one.
    const [activeRole, previewRole] = ['the active Service, which carries blue (the released version) until the switch', 'the preview Service, which carries no users\' traffic after the switch'];
    const preview = { name: this.previewServiceName, role: 'the preview Service (green before the switch)', others: { [this.activeServiceName]: activeRole } };
    const active = { name: this.activeServiceName, role: 'the active Service (green after the switch)', others: { [this.previewServiceName]: previewRole } };
    const pre = props.prePromotionAnalysis && measuredAnalysis(CONSTRUCT, name, props.prePromotionAnalysis, 'prePromotionAnalysis', preview);
    const post = props.postPromotionAnalysis && measuredAnalysis(CONSTRUCT, name, props.postPromotionAnalysis, 'postPromotionAnalysis', active);
    if (pre) checkRolloutAnalysis(CONSTRUCT, name, pre, 'prePromotionAnalysis', workload.namespace, 'the pre-promotion analysis');
    if (post) checkRolloutAnalysis(CONSTRUCT, name, post, 'postPromotionAnalysis', workload.namespace, 'the post-promotion analysis');
    workload.handOver(name);

    const metadata = (n: string) => ({ name: n, namespace: workload.namespace, labels: workload.labels });
    if (props.createServices ?? true) {
      const services: [string, string][] = [['PreviewService', this.previewServiceName]];
      if (!workload.service) services.unshift(['ActiveService', this.activeServiceName]);
      addRolloutServices(this, CONSTRUCT, workload, services);
    }

    this.rollout = new rollouts.Rollout(this, 'Resource', {
      metadata: metadata(name),
      spec: {
        ...workloadRefSpec(workload, replicas, props.revisionHistoryLimit),
        strategy: {
          blueGreen: {
            activeService: this.activeServiceName,
            previewService: this.previewServiceName,
            previewReplicaCount: props.previewReplicaCount,
            autoPromotionEnabled: autoPromotion,
            autoPromotionSeconds,
            scaleDownDelaySeconds,
            abortScaleDownDelaySeconds,
            prePromotionAnalysis: pre && analysisToKube(pre),
            postPromotionAnalysis: post && analysisToKube(post),
          },
        },
      },
    });

    if (props.previewIngress) this.createPreview(props.previewIngress, workload, metadata);
    if (plain) {
      // The controller rules over the Rollout, its Services and the Deployment; a JavaApp checks its own.
      const gateways = (Environment.find(this)?.traffic ?? Traffic.ingress()).gateways;
      addSelfCheck(this, `BlueGreenRollout "${name}"`, { policy: false, gateways }, () => [ApiObject.of(plain)]);
    }
  }

  /** The active and preview Services' names: valid, apart, and the app's own Service active. */
  private checkServiceNames(workload: IRolloutWorkload): void {
    const name = this.name;
    checkName(CONSTRUCT, name, 'activeServiceName', this.activeServiceName);
    checkName(CONSTRUCT, name, 'previewServiceName', this.previewServiceName);
    // ValidateServiceName is NameIsDNS1035Label: a Service name starts with a letter.
    checkObjectName(CONSTRUCT, name, 'activeServiceName', 'Service', this.activeServiceName);
    checkObjectName(CONSTRUCT, name, 'previewServiceName', 'Service', this.previewServiceName);
    check(this.activeServiceName !== this.previewServiceName, CONSTRUCT, name, () =>
      `activeServiceName and previewServiceName must differ, both are "${this.activeServiceName}"`);
    if (workload.service) {
      // The app's own Service would otherwise select blue and green at once.
      check(this.activeServiceName === workload.service.name, CONSTRUCT, name, () =>
        `activeServiceName must be the app's own Service "${workload.service!.name}" (any other Service selecting the pods would send traffic to blue and green at once); omit it`);
    }
  }

  /** The preview host: an Ingress for private networks, an HTTPRoute on the internal Gateway, or both. */
  private createPreview(ing: PreviewIngressOptions, workload: IRolloutWorkload, metadata: (n: string) => k8s.ObjectMeta): void {
    const name = this.name;
    const env = Environment.find(this);
    const traffic = workload.traffic ?? env?.traffic ?? Traffic.ingress();
    check(ingressHost(ing.host).length === 0, CONSTRUCT, name, () => `previewIngress.host must be a DNS name, got "${ing.host}": ${ingressHost(ing.host).join('; ')}`);
    if (ing.tlsSecretName !== undefined) checkRule(CONSTRUCT, name, `previewIngress.tlsSecretName "${ing.tlsSecretName}"`, tlsSecretName(ing.tlsSecretName));
    if (ing.className !== undefined) checkRule(CONSTRUCT, name, `previewIngress.className "${ing.className}"`, ingressClassName(ing.className));
    checkIngressOnly(traffic, CONSTRUCT, name, 'previewIngress', ing, ['tlsSecretName', 'className', 'allowSourceRanges'], 'the traffic');
    check(ing.publicGateway === undefined || traffic.gatewayApi !== undefined, CONSTRUCT, name, () =>
      'previewIngress.publicGateway applies to the Gateway API, but the traffic goes through Ingress: use allowSourceRanges: [\'0.0.0.0/0\'] for a public preview, or remove publicGateway');
    env?.claimRoute(ing.host, '/', CONSTRUCT, name, 'previewIngress');
    // The first port is the app's `http`: the preview never routes the management port.
    const port = workload.ports[0];
    if (traffic.ingress) this.createPreviewIngress(ing, traffic, port, metadata);
    const gateway = traffic.gatewayApi;
    if (gateway) {
      const parent = ing.publicGateway ? gateway.gateway : gateway.previewGateway;
      check(parent !== undefined, CONSTRUCT, name, () =>
        `previewIngress would publish the unreleased version on the public Gateway ${gateway.gateway.namespace}/${gateway.gateway.name} (an HTTPRoute has no client-address filter): `
        + 'give the environment an internal Gateway for previews (Traffic.gatewayApi({ ..., previewGateway })), or set previewIngress.publicGateway: true to publish it on purpose');
      new AppRoute(this, 'PreviewRoute', {
        name: this.previewServiceName, namespace: workload.namespace, labels: workload.labels, host: ing.host, path: '/',
        parent: parent!, service: this.previewServiceName, port: port.port,
      });
    }
  }

  /** An Ingress to the preview Service, for private networks unless told otherwise. */
  private createPreviewIngress(ing: PreviewIngressOptions, traffic: Traffic, port: { name: string }, metadata: (n: string) => k8s.ObjectMeta): void {
    const name = this.name;
    const ranges = ing.allowSourceRanges ?? PRIVATE_NETWORKS;
    check(ranges.length > 0, CONSTRUCT, name, () => 'previewIngress.allowSourceRanges must not be empty: use [\'0.0.0.0/0\'] for a public preview');
    for (const r of ranges) check(isCidr(r), CONSTRUCT, name, () => `previewIngress.allowSourceRanges must be IPv4 CIDRs such as 10.0.0.0/8, got "${r}"`);
    const tls = ing.tlsSecretName ?? traffic.tlsSecretFor(this.previewServiceName);
    if (ing.tlsSecretName === undefined && tls !== undefined) checkRule(CONSTRUCT, name, `TLS Secret "${tls}" (the environment's Traffic tlsSecretName)`, tlsSecretName(tls));
    new k8s.KubeIngress(this, 'PreviewIngress', {
      metadata: { ...metadata(this.previewServiceName), annotations: { [SOURCE_RANGE_ANNOTATION]: [...new Set(ranges)].join(',') } },
      spec: {
        ingressClassName: ing.className ?? traffic.ingress?.className ?? 'nginx',
        tls: tls ? [{ hosts: [ing.host], secretName: tls }] : undefined,
        rules: [{
          host: ing.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: this.previewServiceName, port: { name: port.name } } } }] },
        }],
      },
    });
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const PreviewIngressOptionsSchema = P.object('PreviewIngressOptions', {
  host: P.required(P.string), tlsSecretName: P.string, className: P.string, allowSourceRanges: P.strings, publicGateway: P.boolean,
});
export const BlueGreenRolloutOptionsSchema = P.object('BlueGreenRolloutOptions', {
  replicas: P.number, revisionHistoryLimit: P.number, activeServiceName: P.string, previewServiceName: P.string,
  createServices: P.boolean, previewReplicaCount: P.number, autoPromotionEnabled: P.boolean, autoPromotionDelay: P.duration,
  scaleDownDelay: P.duration, abortScaleDownDelay: P.duration,
  prePromotionAnalysis: RolloutAnalysisSchema, postPromotionAnalysis: RolloutAnalysisSchema, previewIngress: PreviewIngressOptionsSchema,
});
export const BlueGreenRolloutPropsSchema = P.object('BlueGreenRolloutProps', { workload: P.required(ROLLOUT_WORKLOAD) }, BlueGreenRolloutOptionsSchema);
