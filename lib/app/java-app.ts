import { Chart, Lazy } from 'cdk8s';
import { k8s, ServiceType } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DeployStrategy, IRolloutWorkload, WorkloadPort } from '../release';
import { Environment } from '../platform';
import { CONSTRUCT, checkJavaAppProps, JavaAppSettings, resolveJavaAppSettings } from './checks';
import { appContainer, PodContext, podSpec, podStorage, springEnvironment } from './pod';
import { AutoscalingOptions, IngressOptions, JavaAppProps, NetworkPolicyOptions } from './props';
import { appLabels } from './labels';
import { AppAlerts, AppMonitor, Monitoring } from '../monitoring';
import { AppRoute, checkIngressOnly, Traffic } from '../traffic';
import { dnsEgressRule } from './egress';
import { check, checkName, checkRule, imageVersion, PropError } from '../props/checks';
import { httpRoutePath } from '../rules/gateway';
import { ingressClassName, ingressHost, ingressPath, tlsSecretName } from '../rules/ingress';
import { annotationMap, dns1123Label, labelValue } from '../rules/names';
import { probe as probeRule } from '../rules/workloads';
import { serviceTypeFields } from '../rules/services';
import { addSelfCheck } from '../props/self-check';
import { storeSecrets } from './store-secrets';

export * from './props';

/**
 * A Spring Boot service: Deployment, Service, ServiceAccount and, as asked, ConfigMap, PVC, Ingress,
 * HPA, PDB and NetworkPolicy, secure by default. The construct id is the app's name.
 *
 * The constructor checks the props (java-app-checks.ts), then builds one object per method, in the
 * order they appear in the output; the pod itself is put together in java-app-pod.ts.
 */
export class JavaApp extends Construct implements IRolloutWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly port: number;
  public readonly selectorLabels: Record<string, string>;
  public readonly labels: Record<string, string>;
  public readonly ports: WorkloadPort[];
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly ingress?: k8s.KubeIngress;
  /** The app's HTTPRoute, when its traffic goes through the Gateway API. */
  public readonly route?: AppRoute;
  /** How traffic reaches the app: its own `traffic`, else the environment's. */
  public readonly traffic: Traffic;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The Argo Rollout that drives the Deployment, when the strategy is blue-green or canary. */
  public rolloutName?: string;
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: JavaAppProps) {
    super(scope, id);
    checkJavaAppProps(id, props);

    const env = Environment.find(this);
    this.name = id;
    this.namespace = env?.namespace ?? Chart.of(this).namespace ?? 'default';
    this.image = props.image;
    this.port = props.port ?? 8080;
    this.replicas = props.replicas ?? 2;
    this.traffic = props.traffic ?? env?.traffic ?? Traffic.ingress();
    env?.useTraffic(this.traffic);
    checkRule(CONSTRUCT, id, `namespace "${this.namespace}"`, dns1123Label(this.namespace), 'a namespace is a DNS-1123 label, e.g. "shop-prod"');
    env?.registerApp(this);
    const settings = resolveJavaAppSettings(id, props, this.port, this.replicas);

    const partOf = env?.partOf ?? 'platform';
    checkRule(CONSTRUCT, id, `partOf label value "${partOf}"`, labelValue(partOf));
    const labels = appLabels(id, imageVersion(props.image), partOf);
    this.selectorLabels = labels.selector;
    this.labels = labels.all;

    // ServiceAccount of its own, without an API token: a Spring Boot app rarely talks to the API server.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: this.metadata(id),
      automountServiceAccountToken: false,
    });

    const metrics = props.metrics ?? true;
    const monitoring = props.monitoring ?? env?.monitoring ?? Monitoring.serviceMonitor();
    const strategy = props.strategy ?? DeployStrategy.rollingUpdate();
    // One ExternalSecret per Secret filled from a store; their checksum rolls the pods when they change in Git.
    const secretAnnotations = storeSecrets(this, { id, namespace: this.namespace, labels: this.labels, stores: env?.secretStores, appStore: props.secretStore, secrets: props.secrets ?? [] });
    this.deployment = this.createDeployment(props, settings, labels.workload, strategy, metrics && !monitoring.kind, secretAnnotations);
    this.ports = [];
    this.service = this.createService(props, settings);
    if (props.ingress) {
      this.checkExposure(props.ingress, env);
      if (this.traffic.ingress) this.ingress = this.createIngress(props.ingress);
      if (this.traffic.gatewayApi) this.route = this.createRoute(props.ingress);
    }
    if (props.autoscaling) this.autoscaler = this.createAutoscaler(props.autoscaling);
    if (settings.maxPods > 1) this.createDisruptionBudget(props.maxUnavailable ?? 1);
    if (props.networkPolicy) this.createNetworkPolicy(props.networkPolicy, settings, metrics, props.ingress !== undefined);
    else this.createManagementPolicy(settings, metrics, strategy);
    this.createMonitor(props, metrics, monitoring, strategy);

    strategy.bind(this);
    addSelfCheck(this, `JavaApp "${id}"`, { gateways: this.traffic.gateways });
  }

  /** Replicas the app asked for; undefined when the autoscaler owns them. */
  public get desiredReplicas(): number | undefined {
    return this.autoscaler ? undefined : this.replicas;
  }

  /** Hands the replica count over to an Argo Rollout (see IRolloutWorkload). */
  public handOver(rolloutName: string): void {
    if (this.rolloutName) throw new PropError(CONSTRUCT, this.name, `is already driven by the Rollout "${this.rolloutName}"`);
    this.rolloutName = rolloutName;
  }

  private metadata(name: string): k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  /** The Deployment with the pod (and the ConfigMap and PVC the pod mounts, created first). */
  private createDeployment(props: JavaAppProps, settings: JavaAppSettings, workloadLabels: Record<string, string>,
    strategy: DeployStrategy, scrapeAnnotations: boolean, secretAnnotations: Record<string, string>): k8s.KubeDeployment {
    const id = this.name;
    const ctx: PodContext = { id, port: this.port, settings, selectorLabels: this.selectorLabels, metadata: (n) => this.metadata(n) };
    const storage = podStorage(this, ctx, props);
    const envVars = springEnvironment(ctx, props, storage.secretEnv);
    const podAnnotations = { ...storage.annotations, ...secretAnnotations };
    if (scrapeAnnotations) {
      // Only without a monitor: an annotation-driven scrape job beside it would scrape every pod twice.
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/path'] = '/actuator/prometheus';
      podAnnotations['prometheus.io/port'] = String(settings.managementPort);
    }
    for (const exception of props.policyExceptions ?? []) {
      check(exception.reason.trim().length > 0, CONSTRUCT, id, () => `policyExceptions: ${exception.rule} needs a reason`);
      const [key, value] = exception.annotation;
      podAnnotations[key] = value;
    }
    const deploymentStrategy = strategy.deploymentStrategy(CONSTRUCT, id);
    const container = appContainer(ctx, props, envVars, storage.mounts);
    const autoscaled = props.autoscaling !== undefined;
    const deployment = new k8s.KubeDeployment(this, 'Default', {
      metadata: { ...this.metadata(id), labels: workloadLabels },
      spec: {
        // Left to the autoscaler, or to the Rollout (which keeps the Deployment at 0), when there is one.
        replicas: Lazy.any({ produce: () => (this.rolloutName ? 0 : autoscaled ? undefined : this.replicas) }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: deploymentStrategy,
        template: {
          metadata: { labels: workloadLabels, annotations: Object.keys(podAnnotations).length ? podAnnotations : undefined },
          spec: podSpec(ctx, props, container, storage.volumes),
        },
      },
    });
    for (const [prop, kind] of [['startupProbe', 'startup'], ['livenessProbe', 'liveness'], ['readinessProbe', 'readiness']] as const) {
      const probe = props[prop];
      if (!probe) continue;
      for (const [field, message] of probeRule(k8s.toJson_Probe(probe.toKube(this.port)), kind)) throw new PropError(CONSTRUCT, id, `${prop}${field ? ` ${field}` : ''} ${message}`);
    }
    return deployment;
  }

  /** The Service: `http` for callers, `management` for the monitor (and in-cluster checks). */
  private createService(props: JavaAppProps, settings: JavaAppSettings): k8s.KubeService {
    const servicePort = props.servicePort ?? 80;
    const managementPort = settings.managementPort;
    check(servicePort !== managementPort, CONSTRUCT, this.name, () => `servicePort must differ from managementPort (${managementPort})`);
    // The Ingress routes `http` only; `management` is there for the monitor (and in-cluster checks).
    this.ports.push({ name: 'http', port: servicePort, targetPort: 'http' }, { name: 'management', port: managementPort, targetPort: 'management' });
    const type = props.serviceType ?? ServiceType.CLUSTER_IP;
    // ValidateService: what the type requires (an ExternalName Service needs externalName and selects no pods).
    for (const [field, message] of serviceTypeFields({ type, selector: this.selectorLabels, ports: this.ports })) {
      throw new PropError(CONSTRUCT, this.name, `serviceType ${type}: the Service's spec.${field} ${message}; an app's Service selects its pods: use ServiceType.CLUSTER_IP, NODE_PORT or LOAD_BALANCER`);
    }
    return new k8s.KubeService(this, 'Service', {
      metadata: this.metadata(this.name),
      spec: {
        type,
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(String(p.targetPort)), protocol: 'TCP' })),
      },
    });
  }

  /**
   * The host and path, checked for every way the traffic takes (an Ingress, an HTTPRoute, or both),
   * and claimed in the Environment. TLS, class and annotations are an Ingress's: under the Gateway
   * API alone they are refused, not dropped, since the Gateway's listener owns them.
   */
  private checkExposure(ing: IngressOptions, env: Environment | undefined): void {
    const id = this.name;
    const traffic = this.traffic;
    check(ingressHost(ing.host).length === 0, CONSTRUCT, id, () => `ingress.host must be a DNS name such as orders.example.com, got "${ing.host}": ${ingressHost(ing.host).join('; ')} (a wildcard such as *.example.com is fine)`);
    checkRule(CONSTRUCT, id, 'ingress.path', ingressPath(ing.path ?? '/', 'Prefix'));
    if (traffic.gatewayApi) checkRule(CONSTRUCT, id, 'ingress.path', httpRoutePath(ing.path ?? '/'));
    if (ing.tlsSecretName !== undefined) checkRule(CONSTRUCT, id, `ingress.tlsSecretName "${ing.tlsSecretName}"`, tlsSecretName(ing.tlsSecretName));
    if (ing.className !== undefined) checkRule(CONSTRUCT, id, `ingress.className "${ing.className}"`, ingressClassName(ing.className));
    for (const p of annotationMap(ing.annotations ?? {})) throw new PropError(CONSTRUCT, id, `ingress.annotations: ${p.message}`);
    checkIngressOnly(traffic, CONSTRUCT, id, 'ingress', ing, ['tlsSecretName', 'className', 'annotations'], 'the app\'s traffic');
    env?.claimRoute(ing.host, ing.path ?? '/', CONSTRUCT, id, 'ingress');
  }

  /** An HTTPRoute from the host and path to the Service's `http` port, on the Gateway. */
  private createRoute(ing: IngressOptions): AppRoute {
    return new AppRoute(this, 'Route', {
      name: this.name, namespace: this.namespace, labels: this.labels, host: ing.host, path: ing.path ?? '/',
      parent: this.traffic.gatewayApi!.gateway, service: this.name, port: this.ports[0].port,
    });
  }

  /** An Ingress to the Service's `http` port, with the environment's class and TLS unless the app names its own. */
  private createIngress(ing: IngressOptions): k8s.KubeIngress {
    const id = this.name;
    const tls = ing.tlsSecretName ?? this.traffic.tlsSecretFor(id);
    if (ing.tlsSecretName === undefined && tls !== undefined) checkRule(CONSTRUCT, id, `TLS Secret "${tls}" (the environment's Traffic tlsSecretName)`, tlsSecretName(tls));
    return new k8s.KubeIngress(this, 'Ingress', {
      metadata: { ...this.metadata(id), annotations: ing.annotations },
      spec: {
        ingressClassName: ing.className ?? this.traffic.ingress?.className ?? 'nginx',
        tls: tls ? [{ hosts: [ing.host], secretName: tls }] : undefined,
        rules: [{
          host: ing.host,
          http: {
            paths: [{
              path: ing.path ?? '/',
              pathType: 'Prefix',
              backend: { service: { name: id, port: { name: 'http' } } },
            }],
          },
        }],
      },
    });
  }

  /** A HorizontalPodAutoscaler on CPU, aimed at the Rollout once one drives the app. */
  private createAutoscaler(autoscaling: AutoscalingOptions): k8s.KubeHorizontalPodAutoscalerV2 {
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: this.metadata(this.name),
      spec: {
        // An autoscaler must scale the Rollout when there is one: it owns the replicas.
        scaleTargetRef: Lazy.any({
          produce: () => (this.rolloutName
            ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: this.rolloutName }
            : { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name }),
        }),
        minReplicas: autoscaling.minReplicas ?? Math.max(1, this.replicas),
        maxReplicas: autoscaling.maxReplicas,
        metrics: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilization ?? 70 } },
        }],
      },
    });
  }

  /** A PodDisruptionBudget, whenever more than one pod can run. */
  private createDisruptionBudget(maxUnavailable: number): void {
    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata(this.name),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable),
        selector: { matchLabels: this.selectorLabels },
      },
    });
  }

  /** A NetworkPolicy: callers reach `http`, Prometheus (and the listed namespaces) `management`. */
  private createNetworkPolicy(np: NetworkPolicyOptions, settings: JavaAppSettings, metrics: boolean, hasIngress: boolean): void {
    const id = this.name;
    const namespaces = [
      ...(np.allowFromNamespaces ?? []),
      ...(hasIngress ? this.edgeNamespaces(np) : []),
    ];
    const management = [...(metrics ? [np.monitoringNamespace ?? 'monitoring'] : []), ...(np.allowManagementFromNamespaces ?? [])];
    for (const ns of [...namespaces, ...management]) checkName(CONSTRUCT, id, 'networkPolicy namespaces', ns);
    for (const app of np.allowFromApps ?? []) checkName(CONSTRUCT, id, 'networkPolicy.allowFromApps', app);
    const namespacePeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
    const tcp = (port: number) => [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }];
    const from: k8s.NetworkPolicyPeer[] = [
      ...[...new Set(np.allowFromApps ?? [])].sort().map((app) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': app } } })),
      ...[...new Set(namespaces)].sort().map(namespacePeer),
    ];
    // Callers reach `http` only; the actuator (`management`) only Prometheus. No rule: nothing connects.
    const ingress: k8s.NetworkPolicyIngressRule[] = [
      ...(from.length ? [{ from, ports: tcp(this.port) }] : []),
      ...(management.length ? [{ from: [...new Set(management)].sort().map(namespacePeer), ports: tcp(settings.managementPort) }] : []),
    ];
    const egress = np.egress && [dnsEgressRule(), ...np.egress.map((e) => e.toKube(CONSTRUCT, id))];
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: this.metadata(id),
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress,
        egress,
      },
    });
  }

  /**
   * Without a `networkPolicy`, the actuator is still closed by default: a NetworkPolicy that lets
   * anyone reach `http`, as before, and only the monitoring namespace reach `management`. Policies
   * add up, and once one selects a pod for Ingress only what some policy allows gets through, so this
   * one must allow `http` itself. The kubelet's probes are not subject to NetworkPolicies. A release
   * whose analysis makes web calls (`AnalysisTemplate.web()`, to the actuator by default) admits the
   * Rollouts controller's namespace `argo-rollouts` too.
   */
  private createManagementPolicy(settings: JavaAppSettings, metrics: boolean, strategy: DeployStrategy): void {
    const tcp = (port: number) => [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }];
    const web = strategy.analysisTemplates().some((t) => typeof t === 'object' && (t as { callsWeb?: unknown }).callsWeb === true);
    const namespaces = [...(metrics ? ['monitoring'] : []), ...(web ? ['argo-rollouts'] : [])].sort();
    const from = namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }));
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: this.metadata(this.name),
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          { ports: tcp(this.port) },
          ...(from.length ? [{ from, ports: tcp(settings.managementPort) }] : []),
        ],
      },
    });
  }

  /** Where the edge's proxies run: the ingress controller's namespace, the Gateways' data plane, or both. */
  private edgeNamespaces(np: NetworkPolicyOptions): string[] {
    const { ingress, gatewayApi } = this.traffic;
    const gateways = gatewayApi && (gatewayApi.dataPlaneNamespace !== undefined
      ? [gatewayApi.dataPlaneNamespace]
      : [gatewayApi.gateway.namespace, ...(gatewayApi.previewGateway ? [gatewayApi.previewGateway.namespace] : [])]);
    return [...(ingress ? [np.ingressControllerNamespace ?? 'ingress-nginx'] : []), ...(gateways ?? [])];
  }

  /** The ServiceMonitor or PodMonitor, and the alerts measured through it. */
  private createMonitor(props: JavaAppProps, metrics: boolean, monitoring: Monitoring, strategy: DeployStrategy): void {
    const id = this.name;
    if (metrics && monitoring.kind) {
      new AppMonitor(this, 'Monitor', {
        monitoring, name: id, namespace: this.namespace, labels: this.labels, selectorLabels: this.selectorLabels,
        portName: 'management', path: '/actuator/prometheus', construct: CONSTRUCT,
      });
    }
    if (props.alerts) {
      check(metrics && monitoring.kind === 'ServiceMonitor', CONSTRUCT, id, () =>
        'alerts measure the app\'s Service, which only a ServiceMonitor labels: use Monitoring.serviceMonitor() and metrics: true, or drop alerts');
      new AppAlerts(this, 'Alerts', {
        ...props.alerts, app: id, namespace: this.namespace, services: strategy.servingServices(id), construct: CONSTRUCT,
        labels: { ...this.labels, ...monitoring.selectionLabels },
      });
    }
  }
}
