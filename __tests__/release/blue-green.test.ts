import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenRollout, DeployStrategy, JavaApp, JavaAppProps, Manifest, validateManifests } from '../../lib';
import { formatProblem } from '../../lib/validate/problem';
import { validateSchema } from '../../lib/validate/schema';
import { find, one, platform } from '../support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

describe('the talk\'s example: nginx blue-green with workloadRef', () => {
  let docs: any[];
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => {
    if (docs) return;
    // GIVEN the talk's plain nginx Deployment, selected by `app: nginx`
    const chart = new Chart(Testing.app(), 'talk', { namespace: 'default' });
    const deployment = new kplus.Deployment(chart, 'nginx', {
      metadata: { name: 'nginx' },
      select: false,
      podMetadata: { labels: { app: 'nginx' } },
      containers: [{ image: 'seungkyua/nginx:blue', portNumber: 80, securityContext: { user: 101 } }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'nginx' } }));
    // WHEN it is released blue-green as in the talk
    new BlueGreenRollout(chart, 'rollout', {
      workload: deployment,
      replicas: 3,
      revisionHistoryLimit: 5,
      activeServiceName: 'nginx-svc',
      previewServiceName: 'nginx-preview-svc',
      previewReplicaCount: 1,
      autoPromotionEnabled: false,
    });
    docs = Testing.synth(chart);
  });
  const get = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

  test('Deployment nginx keeps the pod template with replicas 0 and image seungkyua/nginx:blue', () => {
    const d = get('Deployment', 'nginx');
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.template.spec.containers[0].image).toBe('seungkyua/nginx:blue');
    expect(d.spec.selector.matchLabels).toEqual({ app: 'nginx' });
  });

  test('Rollout nginx owns the replicas and drives the Deployment', () => {
    const r = get('Rollout', 'nginx');
    expect(r.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(r.spec.replicas).toBe(3);
    expect(r.spec.revisionHistoryLimit).toBe(5);
    expect(r.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
    expect(r.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' });
    expect(r.spec.template).toBeUndefined();
    expect(r.spec.strategy).toEqual({
      blueGreen: { activeService: 'nginx-svc', previewService: 'nginx-preview-svc', previewReplicaCount: 1, autoPromotionEnabled: false },
    });
  });

  test.each(['nginx-svc', 'nginx-preview-svc'])('Service %s: ClusterIP, port 80 -> 80, selector app: nginx', (name) => {
    const s = get('Service', name);
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.selector).toEqual({ app: 'nginx' });
    expect(s.spec.ports).toEqual([{ name: 'port-80', port: 80, targetPort: 80, protocol: 'TCP' }]);
  });

  test('the Rollout passes the pinned CRD schema with unknown fields rejected', () => {
    expect(validateSchema(get('Rollout', 'nginx'), 'Rollout nginx')).toEqual([]);
  });

  test('the construct registers the controller rules as a validation of plain cdk8s apps', () => {
    const app = Testing.app();
    const broken = new Chart(app, 'broken', { namespace: 'default' });
    const d = new kplus.Deployment(broken, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    const rollout = new BlueGreenRollout(broken, 'rollout', { workload: d });
    rollout.rollout.addJsonPatch(JsonPatch.add('/spec/workloadRef/name', 'website'));
    expect(() => app.synth()).toThrow('[broken/rollout] BlueGreenRollout "web" Rollout web spec.workloadRef.name: Deployment "website" does not exist in this namespace');
    expect(() => app.synth()).not.toThrow(/does not select/);
  });

  test('nothing carries rollouts-pod-template-hash', () => {
    expect(JSON.stringify(docs)).not.toContain('rollouts-pod-template-hash');
  });
});

/** A JavaApp released blue-green, through the gate. */
function blueGreenApp(props: Partial<JavaAppProps> = {}, options: Parameters<typeof DeployStrategy.blueGreen>[0] = {}) {
  const { app, env } = platform();
  const java = new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'orders.example.com' }, strategy: DeployStrategy.blueGreen(options), ...props });
  return { app, env, java };
}

describe('JavaApp with DeployStrategy.blueGreen()', () => {
  test('the app Service is the active Service, a preview Service beside it, both on the same pods', () => {
    const manifests = blueGreenApp().app.manifests();
    const rollout = one(manifests, 'Rollout', 'orders');
    expect(rollout.spec.strategy.blueGreen).toEqual({ activeService: 'orders', previewService: 'orders-preview', autoPromotionEnabled: false });
    expect(rollout.spec.replicas).toBe(2);
    expect(one(manifests, 'Deployment', 'orders').spec.replicas).toBe(0);
    const active = one(manifests, 'Service', 'orders');
    const preview = one(manifests, 'Service', 'orders-preview');
    expect(preview.spec.selector).toEqual(active.spec.selector);
    expect(preview.spec.ports).toEqual(active.spec.ports);
    expect(rollout.spec.selector.matchLabels).toEqual(active.spec.selector);
    expect(find(manifests, 'Service')).toHaveLength(2);
    expect(one(manifests, 'Ingress', 'orders').spec.rules[0].http.paths[0].backend.service.name).toBe('orders');
  });

  test('with autoscaling the HPA targets the Rollout, which leaves replicas to it; the PDB still selects the pods', () => {
    const manifests = blueGreenApp({ autoscaling: { minReplicas: 2, maxReplicas: 6 } }).app.manifests();
    expect(one(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'orders' });
    expect(one(manifests, 'Rollout').spec.replicas).toBeUndefined();
    expect(one(manifests, 'Deployment').spec.replicas).toBe(0);
    expect(one(manifests, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(one(manifests, 'Rollout').spec.selector.matchLabels);
  });

  test('all options reach the Rollout', () => {
    const { app } = blueGreenApp({}, {
      replicas: 4, revisionHistoryLimit: 3, previewReplicaCount: 2, autoPromotionEnabled: true, autoPromotionDelay: Duration.minutes(10),
      scaleDownDelay: Duration.minutes(1), abortScaleDownDelay: Duration.seconds(10), previewServiceName: 'orders-green',
    });
    const r = one(app.manifests(), 'Rollout');
    expect(r.spec).toMatchObject({ replicas: 4, revisionHistoryLimit: 3 });
    expect(r.spec.strategy.blueGreen).toEqual({
      activeService: 'orders', previewService: 'orders-green', previewReplicaCount: 2, autoPromotionEnabled: true,
      autoPromotionSeconds: 600, scaleDownDelaySeconds: 60, abortScaleDownDelaySeconds: 10,
    });
  });

  test('pre- and post-promotion analysis reference templates with string args', () => {
    const { app, env, java } = blueGreenApp({}, {
      prePromotionAnalysis: { templates: ['success-rate'], args: { 'service-name': 'orders-preview' } },
      postPromotionAnalysis: { templates: [{ templateName: 'latency' }], args: { 'service-name': 'orders' } },
    });
    for (const name of ['success-rate', 'latency']) {
      new ApiObject(env, name, {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: java.namespace },
        spec: { args: [{ name: 'service-name' }], metrics: [{ name: 'm', provider: { web: { url: 'http://example.com' } }, successCondition: 'true' }] },
      });
    }
    const bg = one(app.manifests(), 'Rollout').spec.strategy.blueGreen;
    expect(bg.prePromotionAnalysis).toEqual({ templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'orders-preview' }] });
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: 'latency' }], args: [{ name: 'service-name', value: 'orders' }] });
  });

  test('a preview Ingress reaches green; the app Ingress keeps routing to the active Service', () => {
    const manifests = blueGreenApp({}, { previewIngress: { host: 'orders-preview.example.com', tlsSecretName: 'preview-tls' } }).app.manifests();
    const preview = one(manifests, 'Ingress', 'orders-preview');
    expect(preview.spec.rules[0]).toEqual({ host: 'orders-preview.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'orders-preview', port: { name: 'http' } } } }] } });
    expect(preview.spec.tls).toEqual([{ hosts: ['orders-preview.example.com'], secretName: 'preview-tls' }]);
    expect(one(manifests, 'Ingress', 'orders').spec.rules[0].http.paths[0].backend.service.name).toBe('orders');
  });
});

describe('construct errors name the rollout and the prop', () => {
  test.each<[string, Parameters<typeof DeployStrategy.blueGreen>[0], string]>([
    ['auto promotion delay without auto promotion', { autoPromotionDelay: Duration.seconds(30) }, 'BlueGreenRollout "orders": autoPromotionDelay needs autoPromotionEnabled: true'],
    ['same active and preview', { previewServiceName: 'orders' }, 'BlueGreenRollout "orders": activeServiceName and previewServiceName must differ, both are "orders"'],
    ['another active Service for a JavaApp', { activeServiceName: 'orders-active' }, 'BlueGreenRollout "orders": activeServiceName must be the app\'s own Service "orders"'],
    ['preview bigger than the rollout', { replicas: 2, previewReplicaCount: 3 }, 'BlueGreenRollout "orders": previewReplicaCount (3) must not exceed replicas (2)'],
    ['bad service name', { previewServiceName: 'Orders Preview' }, 'BlueGreenRollout "orders": previewServiceName must be a DNS-1123 label'],
    ['delay in milliseconds', { scaleDownDelay: Duration.millis(1500) }, 'BlueGreenRollout "orders": scaleDownDelay must be a whole number of seconds from 0s to 2147483647s, got 1500ms'],
    ['delay beyond int32', { abortScaleDownDelay: Duration.seconds(2 ** 31) }, 'BlueGreenRollout "orders": abortScaleDownDelay must be a whole number of seconds from 0s to 2147483647s, got 2147483648s'],
    ['auto promotion after 0s', { autoPromotionEnabled: true, autoPromotionDelay: Duration.seconds(0) }, 'BlueGreenRollout "orders": autoPromotionDelay must be a whole number of seconds from 1s to 2147483647s, got 0s'],
    ['preview host', { previewIngress: { host: 'not a host' } }, 'BlueGreenRollout "orders": previewIngress.host must be a DNS name, got "not a host"'],
  ])('%s', (_case, options, message) => {
    expect(() => blueGreenApp({}, options)).toThrow(message);
  });

  test('one workload, one rollout', () => {
    const { java } = blueGreenApp();
    expect(() => new BlueGreenRollout(java, 'second', { workload: java })).toThrow('JavaApp "orders": is already driven by the Rollout "orders"');
  });
});

/** The manifests of a valid blue-green app and the gate's verdict after `breakIt`. */
function gateAfter(breakIt: (docs: (kind: string, name?: string) => any, manifests: Manifest[]) => void, props: Partial<JavaAppProps> = {}): string[] {
  const manifests = blueGreenApp(props).app.manifests();
  expect(validateManifests(manifests)).toEqual([]);
  breakIt((kind, name) => one(manifests, kind, name), manifests);
  return validateManifests(manifests).map(formatProblem);
}

describe('controller rules, checked at synth', () => {
  const R = 'dev/orders.yaml Rollout orders';
  test('exactly one strategy', () => {
    expect(gateAfter((get) => { get('Rollout').spec.strategy.canary = {}; }))
      .toContain(`${R} spec.strategy: exactly one of blueGreen or canary is required, got blueGreen and canary`);
    expect(gateAfter((get) => { get('Rollout').spec.strategy = {}; }))
      .toContain(`${R} spec.strategy: exactly one of blueGreen or canary is required, got none`);
  });
  test('active and preview Services differ', () => {
    expect(gateAfter((get) => { get('Rollout').spec.strategy.blueGreen.previewService = 'orders'; }))
      .toContain(`${R} spec.strategy.blueGreen.previewService: must differ from activeService ("orders")`);
  });
  test('the Services exist', () => {
    expect(gateAfter((get) => { get('Rollout').spec.strategy.blueGreen.previewService = 'orders-green'; }))
      .toContain(`${R} spec.strategy.blueGreen.previewService: Service "orders-green" does not exist in this namespace`);
  });
  test('the Services select the Rollout\'s pods', () => {
    expect(gateAfter((get) => { get('Service', 'orders-preview').spec.selector = { 'app.kubernetes.io/name': 'orders', tier: 'green' }; }))
      .toContain(`${R} spec.strategy.blueGreen.previewService: Service "orders-preview" does not select the Rollout's pods`);
  });
  test('template empty when workloadRef is set', () => {
    expect(gateAfter((get) => { get('Rollout').spec.template = get('Deployment').spec.template; }))
      .toContain(`${R} spec.template: must be empty when workloadRef is set: the pod template lives in the referenced Deployment`);
  });
  test('the referenced Deployment exists', () => {
    expect(gateAfter((get) => { get('Rollout').spec.workloadRef.name = 'order'; }))
      .toContain(`${R} spec.workloadRef.name: Deployment "order" does not exist in this namespace`);
  });
  test('the referenced Deployment does not run replicas of its own', () => {
    expect(gateAfter((get) => { get('Deployment').spec.replicas = 2; }))
      .toContain(`${R} spec.workloadRef: Deployment "orders" runs 2 replica(s) of its own beside the Rollout's: set its replicas to 0`);
  });
  test('autoPromotionSeconds is refused when auto promotion is off', () => {
    expect(gateAfter((get) => { get('Rollout').spec.strategy.blueGreen.autoPromotionSeconds = 60; }))
      .toContain(`${R} spec.strategy.blueGreen.autoPromotionSeconds: is refused while autoPromotionEnabled is false: a person promotes, so remove it or enable auto promotion`);
  });
  test('referenced analysis templates exist', () => {
    expect(gateAfter((get) => { get('Rollout').spec.strategy.blueGreen.prePromotionAnalysis = { templates: [{ templateName: 'success-rate' }] }; }))
      .toContain(`${R} spec.strategy.blueGreen.prePromotionAnalysis.templates[0]: AnalysisTemplate "success-rate" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`);
  });
  test('the HPA targets the Rollout, not the Deployment it drives', () => {
    expect(gateAfter((get) => { get('HorizontalPodAutoscaler').spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' }; }, { autoscaling: { maxReplicas: 4 } }))
      .toContain('dev/orders.yaml HorizontalPodAutoscaler orders spec.scaleTargetRef: targets Deployment "orders", which Rollout "orders" drives with workloadRef: target the Rollout (apiVersion argoproj.io/v1alpha1, kind Rollout), which owns the replicas');
  });
  test('no other Service selects the Rollout\'s pods', () => {
    expect(gateAfter((get, manifests) => {
      manifests.push({ file: 'dev/extra.yaml', doc: { ...get('Service', 'orders-preview'), metadata: { ...get('Service', 'orders-preview').metadata, name: 'orders-direct' } } });
    })).toContain(`${R} spec.strategy: Service "orders-direct" also selects the Rollout's pods and would reach both versions at once: make it the active/stable Service or change its selector`);
  });
  test('no Service selects on rollouts-pod-template-hash', () => {
    const problems = gateAfter((get) => { get('Service', 'orders-preview').spec.selector['rollouts-pod-template-hash'] = 'abc123'; });
    expect(problems).toContain('dev/orders.yaml Service orders-preview spec.selector.rollouts-pod-template-hash: only the Rollouts controller sets this label (it adds it to the pods and Service selectors it manages): use the stable app labels');
  });
});

describe('a new version in dist/', () => {
  test('changes only the image and the version label lines', () => {
    // GIVEN the same blue-green app at two versions
    const render = (image: string) => {
      const { app, env } = platform();
      new JavaApp(env, 'orders', { image, ingress: { host: 'orders.example.com' }, autoscaling: { maxReplicas: 4 }, applicationConfig: 'a: 1\n', strategy: DeployStrategy.blueGreen() });
      return app.files().get('dev/orders.yaml')!.split('\n');
    };
    const before = render('ghcr.io/acme-shop/orders:1.4.2');
    const after = render('ghcr.io/acme-shop/orders:1.5.0');
    // WHEN compared line by line THEN only image and version lines differ
    expect(after).toHaveLength(before.length);
    const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
    expect(changed.length).toBeGreaterThan(2);
    for (const [a, b] of changed) {
      expect([a.trim(), b.trim()]).toEqual(a.includes('image:')
        ? ['image: ghcr.io/acme-shop/orders:1.4.2', 'image: ghcr.io/acme-shop/orders:1.5.0']
        : ['app.kubernetes.io/version: 1.4.2', 'app.kubernetes.io/version: 1.5.0']);
    }
  });
});
