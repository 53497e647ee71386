import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import {
  AnalysisTemplate, DefaultDenyEgress, DeployStrategy, Egress, Environment, JavaApp, JavaAppProps, Manifest, Monitoring, PlatformApp,
  PolicyException, PRIVATE_NETWORKS, SOURCE_RANGE_ANNOTATION,
} from '../../lib';
import { find, one, problemsOf, tempDir } from '../support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

/** GIVEN an environment (with optional monitoring default) and a JavaApp; WHEN synthesized through the gate; THEN its manifests. */
function synth(props: Partial<JavaAppProps> = {}, envMonitoring?: Monitoring): Manifest[] {
  const app = new PlatformApp({ outdir: tempDir() });
  const env = new Environment(app, 'dev', { namespace: 'shop-dev', partOf: 'shop', monitoring: envMonitoring });
  new JavaApp(env, 'orders', { image: IMAGE, ...props });
  return app.manifests();
}

/** True when the ServiceMonitor selects the Service and scrapes one of its ports (how the operator finds targets). */
function scrapes(monitor: any, svc: any): boolean {
  const selected = Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels[k] === v);
  return selected && monitor.spec.endpoints.some((e: any) => svc.spec.ports.some((p: any) => p.name === e.port));
}

describe('monitors', () => {
  test.each([
    ['rolling update', DeployStrategy.rollingUpdate(), ['orders']],
    ['blue-green: active and preview', DeployStrategy.blueGreen(), ['orders', 'orders-preview']],
    ['canary with NGINX: stable and canary', DeployStrategy.canary(), ['orders', 'orders-canary']],
    ['canary by replica count: both', DeployStrategy.canary({ trafficRouting: undefined }), ['orders', 'orders-canary']],
  ])('%s: every Service of the app is scraped on its management port', (_, strategy, services) => {
    const manifests = synth({ strategy, ingress: { host: 'orders.example.com' } });
    const monitor = one(manifests, 'ServiceMonitor', 'orders');
    expect(find(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual(services);
    for (const svc of find(manifests, 'Service')) {
      expect(scrapes(monitor, svc)).toBe(true);
      expect(svc.spec.ports.find((p: any) => p.name === 'management')).toEqual({ name: 'management', port: 8081, targetPort: 'management', protocol: 'TCP' });
    }
    // The Ingress routes the app's port only.
    expect(one(manifests, 'Ingress', 'orders').spec.rules[0].http.paths.map((p: any) => p.backend.service.port.name)).toEqual(['http']);
  });

  test('the labels a Prometheus selects monitors by and the interval, per app', () => {
    const monitor = one(synth({ monitoring: Monitoring.serviceMonitor({ labels: { prometheus: 'platform' }, interval: Duration.seconds(15) }) }), 'ServiceMonitor');
    expect(monitor.metadata.labels.prometheus).toBe('platform');
    expect(monitor.metadata.labels.release).toBeUndefined();
    expect(monitor.spec.endpoints[0].interval).toBe('15s');
  });

  test('the environment sets the default, an app overrides it', () => {
    const envDefault = Monitoring.serviceMonitor({ labels: { team: 'shop' }, interval: Duration.minutes(1) });
    expect(one(synth({}, envDefault), 'ServiceMonitor').metadata.labels.team).toBe('shop');
    expect(one(synth({}, envDefault), 'ServiceMonitor').spec.endpoints[0].interval).toBe('1m');
    const overridden = synth({ monitoring: Monitoring.podMonitor() }, envDefault);
    expect(find(overridden, 'ServiceMonitor')).toEqual([]);
    expect(one(overridden, 'PodMonitor').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('a PodMonitor selects the pods on the management container port', () => {
    const manifests = synth({ monitoring: Monitoring.podMonitor() });
    expect(one(manifests, 'PodMonitor', 'orders').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } },
      podMetricsEndpoints: [{ port: 'management', path: '/actuator/prometheus', interval: '30s' }],
    });
    const ports = one(manifests, 'Deployment').spec.template.spec.containers[0].ports.map((p: any) => p.name);
    expect(ports).toContain('management');
  });

  test('off (annotations): no monitor, the prometheus.io annotations point at the management port', () => {
    const manifests = synth({ monitoring: Monitoring.annotations() });
    expect([...find(manifests, 'ServiceMonitor'), ...find(manifests, 'PodMonitor')]).toEqual([]);
    expect(one(manifests, 'Deployment').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/path': '/actuator/prometheus', 'prometheus.io/port': '8081',
    });
  });

  test('monitors and rules are checked against the pinned Prometheus Operator CRDs', () => {
    const app = new PlatformApp({ outdir: tempDir() });
    const java = new JavaApp(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image: IMAGE, alerts: {} });
    const monitor = java.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'ServiceMonitor') as ApiObject;
    const rule = java.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'PrometheusRule') as ApiObject;
    monitor.addJsonPatch(JsonPatch.replace('/spec/endpoints/0/port', 8081));
    rule.addJsonPatch(JsonPatch.remove('/spec/groups/0/name'));
    expect(problemsOf(app)).toEqual([
      'dev/orders.yaml ServiceMonitor orders spec.endpoints[0].port: must be string, got integer',
      'dev/orders.yaml PrometheusRule orders spec.groups[0].name: required field is missing',
    ]);
  });

  test('bad monitoring input is refused by the construct', () => {
    expect(() => synth({ monitoring: Monitoring.serviceMonitor({ interval: Duration.millis(1500) }) }))
      .toThrow('JavaApp "orders": monitoring interval must be a whole number of seconds');
    expect(() => synth({ monitoring: Monitoring.serviceMonitor({ labels: { 'bad key!': 'x' } }) }))
      .toThrow('JavaApp "orders": monitoring labels must be Kubernetes labels, got bad key!="x"');
    expect(() => synth({ managementPort: 8080 })).toThrow('JavaApp "orders": managementPort must differ from port (8080)');
  });
});

describe('alerts from the analysis definitions', () => {
  test('a PrometheusRule with error-rate, latency and restart alerts on the app Service, selected like the monitor', () => {
    const manifests = synth({ alerts: { successRate: 0.995, latencySeconds: 0.3 } });
    const rule = one(manifests, 'PrometheusRule', 'orders');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    const rules = rule.spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['JavaAppErrorRate', 'JavaAppLatency', 'JavaAppRestarts']);

    // The release analysis with the same thresholds, measuring the same Service.
    const app = new PlatformApp({ outdir: tempDir() });
    const env = new Environment(app, 'dev', { namespace: 'shop-dev' });
    const rate = AnalysisTemplate.successRate(env, 'rate', { prometheusAddress: PROMETHEUS, threshold: 0.995 });
    const latency = AnalysisTemplate.latency(env, 'latency', { prometheusAddress: PROMETHEUS, threshold: Duration.millis(300) });
    const query = (t: AnalysisTemplate) => (t.resource.toJson().spec.metrics[0].provider.prometheus.query as string).replace(/\{\{args\.service-name\}\}/g, 'orders');
    // The same definitions, measured per Service (an alert names the namespace and Service that fail).
    const perService = (q: string) => q.replace(/sum\(/g, 'sum by (namespace, service) (').replace('sum by (le)', 'sum by (namespace, service, le)').replace('and on ()', 'and on (namespace, service)');
    expect(rules[0].expr).toBe(`(${perService(query(rate))}) < 0.995`);
    expect(rules[1].expr).toBe(`${perService(query(latency))} > 0.3`);
    expect(rules[2].expr).toBe('sum(increase(kube_pod_container_status_restarts_total{namespace="shop-dev", pod=~"orders-[a-z0-9]+-[a-z0-9]+", container="app"}[5m])) >= 3');
    expect(rules[0]).toMatchObject({ for: '5m', labels: { severity: 'warning', app: 'orders' } });
  });

  test.each([
    ['rolling update', DeployStrategy.rollingUpdate(), 'service="orders"'],
    ['blue-green: the active Service (the preview has testers\' traffic only)', DeployStrategy.blueGreen(), 'service="orders"'],
    ['canary: the stable and the canary Service, each on its own', DeployStrategy.canary(), 'service=~"orders|orders-canary"'],
    ['canary with its own canary Service name', DeployStrategy.canary({ canaryServiceName: 'orders-next' }), 'service=~"orders|orders-next"'],
  ])('%s: the alerts measure the Services that carry users\' traffic', (_, strategy, matcher) => {
    const rules = one(synth({ strategy, ingress: { host: 'orders.example.com' }, alerts: {} }), 'PrometheusRule').spec.groups[0].rules;
    for (const r of rules.slice(0, 2)) {
      expect(r.expr).toContain(`{namespace="shop-dev", ${matcher}, uri!~"/actuator.*"`);
      expect(r.annotations.description).toContain('Service {{ $labels.service }} in shop-dev');
    }
  });

  test('latency can be left out; alerts need a ServiceMonitor; bad thresholds are refused', () => {
    const rules = one(synth({ alerts: { latency: false, severity: 'critical', restarts: 1 } }), 'PrometheusRule').spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['JavaAppErrorRate', 'JavaAppRestarts']);
    expect(rules[1].labels.severity).toBe('critical');
    expect(() => synth({ alerts: {}, monitoring: Monitoring.podMonitor() })).toThrow('JavaApp "orders": alerts measure the app\'s Service, which only a ServiceMonitor labels');
    expect(() => synth({ alerts: { successRate: 1.5 } })).toThrow('JavaApp "orders": alerts.successRate must be a share of requests between 0 (excluded) and 1, got 1.5');
  });
});

describe('policy exceptions act on the objects', () => {
  const containerOf = (manifests: Manifest[]) => one(manifests, 'Deployment').spec.template.spec.containers[0];

  test('noCpuLimit: no CPU limit is written, the gate accepts it; without the exception it refuses', () => {
    const manifests = synth({ policyExceptions: [PolicyException.noCpuLimit('GC pauses under throttling break the latency budget')] });
    expect(containerOf(manifests).resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    expect(containerOf(synth()).resources.limits.cpu).toBe('1');

    const app = new PlatformApp({ outdir: tempDir() });
    const java = new JavaApp(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image: IMAGE });
    java.deployment.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/resources/limits/cpu'));
    expect(problemsOf(app)).toEqual(['dev/orders.yaml Deployment orders spec.template.spec.containers[0].resources.limits.cpu: a CPU limit is required, or record PolicyException.noCpuLimit(reason)']);
  });

  test('noReadinessProbe: no readiness probe is written, the gate accepts it', () => {
    const manifests = synth({ policyExceptions: [PolicyException.noReadinessProbe('queue consumer, no traffic')] });
    expect(containerOf(manifests).readinessProbe).toBeUndefined();
    expect(containerOf(manifests).livenessProbe).toBeDefined();
    expect(one(manifests, 'Deployment').spec.template.metadata.annotations['exempt.policy.platform/readiness-probe']).toBe('queue consumer, no traffic');
  });

  test('writableRootFilesystem: a writable root filesystem, accepted', () => {
    const manifests = synth({ policyExceptions: [PolicyException.writableRootFilesystem('unpacks fonts')] });
    expect(containerOf(manifests).securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('an exception and the prop it exempts are refused together', () => {
    expect(() => synth({ cpuLimit: '2', policyExceptions: [PolicyException.noCpuLimit('x')] }))
      .toThrow('JavaApp "orders": cpuLimit is set but policyExceptions has PolicyException.noCpuLimit(): remove one of them');
  });
});

describe('preview Ingress allow-list', () => {
  const preview = (previewIngress: any) => one(synth({ strategy: DeployStrategy.blueGreen({ previewIngress }) }), 'Ingress', 'orders-preview');

  test('private networks only by default; the app port only', () => {
    const ing = preview({ host: 'orders-preview.example.com' });
    expect(ing.metadata.annotations).toMatchObject({ [SOURCE_RANGE_ANNOTATION]: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16' });
    expect(PRIVATE_NETWORKS).toHaveLength(3);
    expect(ing.spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: 'http' });
  });

  test('explicit ranges, an internal class; bad ranges refused', () => {
    const ing = preview({ host: 'orders-preview.example.com', allowSourceRanges: ['203.0.113.0/24'], className: 'nginx-internal' });
    expect(ing.metadata.annotations[SOURCE_RANGE_ANNOTATION]).toBe('203.0.113.0/24');
    expect(ing.spec.ingressClassName).toBe('nginx-internal');
    expect(() => preview({ host: 'p.example.com', allowSourceRanges: ['10.0.0.0/33'] }))
      .toThrow('BlueGreenRollout "orders": previewIngress.allowSourceRanges must be IPv4 CIDRs such as 10.0.0.0/8, got "10.0.0.0/33"');
    expect(() => preview({ host: 'p.example.com', allowSourceRanges: [] })).toThrow('previewIngress.allowSourceRanges must not be empty');
  });
});

describe('egress', () => {
  const dns = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  };

  test('a namespace-wide default deny that allows DNS only', () => {
    const app = new PlatformApp({ outdir: tempDir() });
    new DefaultDenyEgress(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'egress');
    const np = one(app.manifests(), 'NetworkPolicy', 'default-deny-egress');
    expect(np.metadata.namespace).toBe('shop-dev');
    expect(np.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [dns] });
  });

  test('per app: DNS plus the apps, namespaces and CIDRs/ports it calls', () => {
    const np = one(synth({
      networkPolicy: {
        egress: [Egress.toApps(['catalog']), Egress.toNamespaces(['payments'], { ports: [443] }), Egress.toCidrs(['10.20.0.0/16'], { ports: [5432] })],
      },
    }), 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([
      dns,
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'catalog' } } }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    expect(one(synth({ networkPolicy: { egress: [] } }), 'NetworkPolicy').spec.egress).toEqual([dns]);
    expect(one(synth({ networkPolicy: {} }), 'NetworkPolicy').spec.egress).toBeUndefined();
  });

  test('the management port: Prometheus, plus the namespaces allowed explicitly', () => {
    const np = one(synth({ networkPolicy: { allowManagementFromNamespaces: ['argo-rollouts'], monitoringNamespace: 'prometheus' } }), 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([{
      from: ['argo-rollouts', 'prometheus'].map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
      ports: [{ port: 8081, protocol: 'TCP' }],
    }]);
    expect(one(synth({ metrics: false, networkPolicy: {} }), 'NetworkPolicy').spec.ingress).toEqual([]);
  });

  test('bad egress targets are refused', () => {
    expect(() => synth({ networkPolicy: { egress: [Egress.toCidrs(['10.0.0.0'])] } }))
      .toThrow('JavaApp "orders": networkPolicy.egress cidr must be an IPv4 CIDR such as 10.0.0.0/8, got "10.0.0.0"');
    expect(() => synth({ networkPolicy: { egress: [Egress.toApps(['Bad_App'])] } })).toThrow('networkPolicy.egress apps');
    expect(() => synth({ networkPolicy: { egress: [Egress.toNamespaces(['x'], { ports: [70000] })] } })).toThrow('networkPolicy.egress ports');
  });
});
