import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { AnalysisTemplate, DeployStrategy, Environment, JavaApp, Monitoring, PlatformApp } from '../../lib';
import { tempDir } from './platform';
import { Behaviour } from './prometheus';
import { FakePod } from './operator-scrape';

/**
 * A namespace as a cluster runs it in the middle of a release: the pods of each app's stable and
 * new version, and which of them each Service's endpoints hold, the way the Argo Rollouts
 * controller arranges it (v1.9.1): it adds `rollouts-pod-template-hash` to the selectors of the
 * Services it manages (rollout/service.go: switchServiceSelector, reconcileActiveService,
 * reconcilePreviewService, ensureSVCTargets), so
 * - canary: `canaryService` holds the new pods, `stableService` the stable ones; a canary without
 *   traffic routing has no stableService and the app's own Service holds both;
 * - blue-green: before promotion `activeService` holds the stable pods and `previewService` the
 *   new ones; after promotion both hold the new ones. An app with a postPromotionAnalysis is taken
 *   after promotion (when that analysis runs), otherwise before.
 * Services no Rollout manages hold every pod their selector matches.
 */

export interface WorldPod extends FakePod {
  readonly app: string;
  readonly version: 'stable' | 'new';
  /** Whether the pod publishes Micrometer's histogram buckets (percentiles-histogram on). */
  readonly histogram: boolean;
}

export interface World {
  readonly namespace: string;
  readonly docs: any[];
  readonly pods: WorldPod[];
  /** Each Service and the pods its endpoints hold (a FakeEndpoints for the scrape). */
  readonly endpoints: Array<{ readonly service: any; readonly pods: readonly WorldPod[] }>;
}

/** Every object of the YAML files of `dist/<folder>/`. */
export function distDocs(root: string, folder: string): any[] {
  const dir = path.join(root, 'dist', folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()))
    .filter((d) => d && d.kind);
}

const of = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function podsOf(deployment: any, app: string, address: (pod: string) => string): WorldPod[] {
  const template = deployment.spec.template;
  const container = template.spec.containers[0];
  const histogram = (container.env ?? []).some((e: any) => e.name === 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS' && e.value === 'true');
  // Pods of a ReplicaSet are named <name>-<pod-template-hash>-<5 characters>.
  return (['stable', 'new'] as const).map((version) => {
    const hash = version === 'stable' ? '5d4f8b7c9' : '7c9d6f5b8';
    const name = `${app}-${hash}-${version === 'stable' ? 'x2k8q' : 'p7m4z'}`;
    return {
      name, app, version, histogram,
      labels: { ...template.metadata.labels, 'rollouts-pod-template-hash': hash },
      container: container.name,
      containerPorts: (container.ports ?? []).map((p: any) => p.name),
      address: address(name),
    };
  });
}

/** Which version's pods each Service managed by a Rollout holds. */
function managedServices(rollout: any): Map<string, Array<'stable' | 'new'>> {
  const out = new Map<string, Array<'stable' | 'new'>>();
  const { canary, blueGreen } = rollout.spec.strategy;
  if (canary) {
    out.set(canary.canaryService, ['new']);
    if (canary.stableService) out.set(canary.stableService, ['stable']);
  }
  if (blueGreen) {
    const promoted = !!blueGreen.postPromotionAnalysis;
    out.set(blueGreen.activeService, [promoted ? 'new' : 'stable']);
    out.set(blueGreen.previewService, ['new']);
  }
  return out;
}

/**
 * The world of one namespace: for every Rollout two pods (stable, new), for every other Deployment
 * with replicas one stable pod; `address` gives each pod its actuator's address.
 */
export function worldOf(docs: any[], address: (pod: string) => string): World {
  const namespace = of(docs, 'Namespace')[0]?.metadata.name ?? docs.find((d) => d.metadata?.namespace)?.metadata.namespace;
  const rollouts = of(docs, 'Rollout');
  const pods: WorldPod[] = [];
  const managed = new Map<string, WorldPod[]>();
  for (const deployment of of(docs, 'Deployment')) {
    const app = deployment.metadata.name;
    const rollout = rollouts.find((r) => r.spec.workloadRef?.name === app);
    const appPods = podsOf(deployment, app, address).filter((p) => rollout || p.version === 'stable');
    pods.push(...appPods);
    if (!rollout) continue;
    for (const [service, versions] of managedServices(rollout)) managed.set(service, appPods.filter((p) => versions.includes(p.version)));
  }
  const endpoints = of(docs, 'Service').map((service) => ({
    service,
    pods: managed.get(service.metadata.name) ?? pods.filter((p) => selects(service.spec.selector, p.labels)),
  }));
  return { namespace, docs, pods, endpoints };
}

/** The behaviour of every pod: stable pods are healthy, new pods behave as `newVersion(app)` says. */
export function behaviourOf(pod: WorldPod, newVersion: (app: string) => Behaviour): Behaviour {
  return pod.version === 'stable' ? 'healthy' : newVersion(pod.app);
}

/** A platform of canary and blue-green apps besides the sample, declared as app teams do. */
export function otherPlatform(): any[] {
  const app = new PlatformApp({ outdir: tempDir() });
  const env = new Environment(app, 'stage', { namespace: 'shop-stage', partOf: 'shop' });
  const prometheusAddress = 'http://prometheus-operated.monitoring.svc:9090';
  const image = (name: string) => `ghcr.io/acme-shop/${name}:1.0.0`;
  const rate = AnalysisTemplate.successRate(env, 'rate-2m', { prometheusAddress, window: Duration.minutes(2) });
  const latency = AnalysisTemplate.latency(env, 'latency-p90', { prometheusAddress, quantile: 0.9, threshold: Duration.millis(300) });
  const byJob = AnalysisTemplate.successRate(env, 'rate-by-job', { prometheusAddress, serviceLabel: 'job', threshold: 0.995 });
  const preview = AnalysisTemplate.successRate(env, 'preview-rate', { prometheusAddress, count: 3 });
  // A canary without an Ingress: by replica count, the app's Service reaches both versions.
  new JavaApp(env, 'search', {
    image: image('search'),
    env: { MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: 'true' },
    strategy: DeployStrategy.canary({ analysis: { templates: [rate, latency], args: { 'service-name': 'search-canary' } } }),
    alerts: { latencySeconds: 0.3 },
  });
  // Blue-green before promotion: the preview's own traffic decides.
  new JavaApp(env, 'billing', {
    image: image('billing'),
    strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [preview], args: { 'service-name': 'billing-preview' } } }),
    alerts: { latency: false },
  });
  // A canary with NGINX, measured by the `job` label (a ServiceMonitor's job is the Service name).
  new JavaApp(env, 'ledger', {
    image: image('ledger'),
    ingress: { host: 'ledger.stage.example.com' },
    strategy: DeployStrategy.canary({ analysis: { templates: [byJob], args: { 'service-name': 'ledger-canary' } } }),
    alerts: { latency: false },
  });
  // Scraped by a PodMonitor (no analysis can measure it by Service: the gate refuses that).
  new JavaApp(env, 'audit', { image: image('audit'), monitoring: Monitoring.podMonitor() });
  return app.manifests().map((m) => m.doc);
}
