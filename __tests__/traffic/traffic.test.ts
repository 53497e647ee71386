import { Testing } from 'cdk8s';
import {
  ArgoCdBootstrap, CanaryStep, CanaryTrafficRouting, ConfigError, DeployStrategy, Environment, JavaApp, JavaAppProps,
  Manifest, PlatformApp, PropError, SyncPolicy, Traffic,
} from '../../lib';
import { validateSchema } from '../../lib/validate/schema';
import { find, one, tempDir } from '../support/platform';

/**
 * How traffic enters the apps: Ingress (ingress-nginx), the Gateway API (an HTTPRoute per app on a
 * shared Gateway; canaries through Argo Rollouts' Gateway API plugin), or both while DNS moves.
 * GIVEN an environment's traffic, WHEN apps are declared, THEN the synthesized routes, Rollouts and
 * Argo CD Applications are what the Gateway, the plugin and Argo CD need.
 */
const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const PUBLIC = { name: 'public', namespace: 'gateway-system', sectionName: 'https' };
const INTERNAL = { name: 'internal', namespace: 'gateway-system' };
const GATEWAY = () => Traffic.gatewayApi({ gateway: PUBLIC, previewGateway: INTERNAL });

function platformWith(traffic?: Traffic): { app: PlatformApp; env: Environment } {
  const app = new PlatformApp({ outdir: tempDir() });
  return { app, env: new Environment(app, 'dev', { namespace: 'shop-dev', partOf: 'shop', traffic }) };
}

function synth(traffic: Traffic | undefined, props: Partial<JavaAppProps> = {}, name = 'orders'): Manifest[] {
  const { app, env } = platformWith(traffic);
  new JavaApp(env, name, { image: IMAGE, ingress: { host: `${name}.example.com` }, ...props });
  return app.manifests();
}

const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 80, weight });

describe('JavaApp on the Gateway API', () => {
  test('an HTTPRoute to the Service\'s http port, every defaulted field written out, no Ingress', () => {
    const manifests = synth(GATEWAY(), { ingress: { host: 'orders.example.com', path: '/api' } });
    expect(find(manifests, 'Ingress')).toEqual([]);
    const route = one(manifests, 'HTTPRoute', 'orders');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toBe('shop-dev');
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['orders.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [backend('orders', 1)] }],
    });
    // The vendored CRD's schema accepts it as written.
    expect(validateSchema(route, 'HTTPRoute orders')).toEqual([]);
  });

  test('the NetworkPolicy admits the Gateways\' data plane, not ingress-nginx', () => {
    const peers = (traffic: Traffic) => one(synth(traffic, { networkPolicy: {} }), 'NetworkPolicy').spec.ingress[0].from
      .map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
    expect(peers(GATEWAY())).toEqual(['gateway-system']);
    expect(peers(Traffic.gatewayApi({ gateway: PUBLIC, previewGateway: { name: 'internal', namespace: 'edge-internal' } }))).toEqual(['edge-internal', 'gateway-system']);
    expect(peers(Traffic.gatewayApi({ gateway: PUBLIC, dataPlaneNamespace: 'envoy-gateway-system' }))).toEqual(['envoy-gateway-system']);
    expect(peers(Traffic.ingress())).toEqual(['ingress-nginx']);
  });

  test.each([
    ['tlsSecretName', { tlsSecretName: 'orders-tls' }, 'TLS belongs to the Gateway\'s listener'],
    ['className', { className: 'nginx' }, 'the Gateway decides which controller serves the route'],
    ['annotations', { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } }, 'ingress controller annotations do not apply to an HTTPRoute'],
  ])('ingress.%s is an Ingress\'s: refused under the Gateway API, not dropped', (prop, extra, why) => {
    expect(() => synth(GATEWAY(), { ingress: { host: 'orders.example.com', ...extra } }))
      .toThrow(new PropError('JavaApp', 'orders', `ingress.${prop} applies to an Ingress, but the app's traffic goes through the Gateway API (Gateway gateway-system/public): ${why}${prop === 'tlsSecretName' ? ': put the certificate there (docs/traffic.md)' : ''}; remove ingress.${prop}`));
    // The same props are fine where an Ingress is written.
    expect(() => synth(Traffic.ingress(), { ingress: { host: 'orders.example.com', ...extra } })).not.toThrow();
  });

  test('a path the HTTPRoute CRD refuses is refused in its words; the Ingress accepts it', () => {
    expect(() => synth(GATEWAY(), { ingress: { host: 'orders.example.com', path: '/api#x' } }))
      .toThrow('JavaApp "orders": ingress.path must not contain \'#\' when type one of [\'Exact\', \'PathPrefix\'], got "/api#x"');
    expect(() => synth(Traffic.ingress(), { ingress: { host: 'orders.example.com', path: '/api#x' } })).not.toThrow();
  });

  test('an app overrides its environment\'s traffic', () => {
    const { app, env } = platformWith(Traffic.ingress());
    new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'orders.example.com' }, traffic: GATEWAY() });
    new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'catalog.example.com' } });
    const manifests = app.manifests();
    expect(find(manifests, 'HTTPRoute').map((r) => r.metadata.name)).toEqual(['orders']);
    expect(find(manifests, 'Ingress').map((r) => r.metadata.name)).toEqual(['catalog']);
  });
});

describe('Ingress traffic', () => {
  test('the environment\'s class and TLS pattern apply; an app\'s own wins', () => {
    const traffic = Traffic.ingress({ className: 'nginx-public', tlsSecretName: '{name}-tls' });
    const ingress = one(synth(traffic), 'Ingress', 'orders');
    expect(ingress.spec.ingressClassName).toBe('nginx-public');
    expect(ingress.spec.tls).toEqual([{ hosts: ['orders.example.com'], secretName: 'orders-tls' }]);
    const own = one(synth(traffic, { ingress: { host: 'orders.example.com', tlsSecretName: 'wildcard-tls', className: 'nginx' } }), 'Ingress', 'orders');
    expect([own.spec.ingressClassName, own.spec.tls[0].secretName]).toEqual(['nginx', 'wildcard-tls']);
    expect(one(synth(Traffic.ingress()), 'Ingress', 'orders').spec.tls).toBeUndefined();
  });

  test('the default is Ingress with class nginx, as before', () => {
    const manifests = synth(undefined);
    expect(one(manifests, 'Ingress', 'orders').spec.ingressClassName).toBe('nginx');
    expect(find(manifests, 'HTTPRoute')).toEqual([]);
  });
});

describe('Traffic factories', () => {
  test.each([
    [() => Traffic.gatewayApi({ gateway: { name: 'Public', namespace: 'gateway-system' } }), 'Traffic.gatewayApi: gateway.name "Public"'],
    [() => Traffic.gatewayApi({ gateway: { name: 'public', namespace: 'gateway.system' } }), 'Traffic.gatewayApi: gateway.namespace "gateway.system"'],
    [() => Traffic.gatewayApi({ gateway: { ...PUBLIC, sectionName: 'HTTPS' } }), 'Traffic.gatewayApi: gateway.sectionName "HTTPS"'],
    [() => Traffic.gatewayApi({ gateway: PUBLIC, previewGateway: { name: 'internal', namespace: '' } }), 'Traffic.gatewayApi: previewGateway.namespace ""'],
    [() => Traffic.gatewayApi({ gateway: PUBLIC, dataPlaneNamespace: 'Envoy' }), 'Traffic.gatewayApi: dataPlaneNamespace "Envoy"'],
    [() => Traffic.ingress({ tlsSecretName: '{name}_tls' }), 'Traffic.ingress: tlsSecretName "{name}_tls"'],
    [() => Traffic.ingress({ className: 'Nginx' }), 'Traffic.ingress: className "Nginx"'],
    [() => Traffic.gatewayApi({ gateway: { name: 'public' } } as any), 'Traffic.gatewayApi: `gateway.namespace` is required'],
    [() => Traffic.transition({ gateway: PUBLIC, tlsSecret: 'x' } as any), 'unknown prop `tlsSecret`: did you mean `tlsSecretName`?'],
  ])('refuses bad options with a ConfigError naming the factory and the option (%#)', (make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });

  test('accepts what the Gateway API and the Ingress allow', () => {
    expect(Traffic.gatewayApi({ gateway: { name: 'public.gw', namespace: 'gw', sectionName: 'https.v1' } }).gateways).toEqual(['gw/public.gw']);
    expect(GATEWAY().gateways).toEqual(['gateway-system/public', 'gateway-system/internal']);
    expect(Traffic.ingress().gateways).toEqual([]);
    expect(Traffic.ingress({ tlsSecretName: 'example.com-{name}' }).tlsSecretFor('orders')).toBe('example.com-orders');
    expect(Traffic.ingress().tlsSecretFor('orders')).toBeUndefined();
  });
});

describe('the transition: an Ingress and an HTTPRoute for every host while DNS moves', () => {
  const TRANSITION = () => Traffic.transition({ gateway: PUBLIC, previewGateway: INTERNAL, tlsSecretName: '{name}-tls' });

  test('both routes to the same Service; the Ingress keeps its TLS; the gate allows the overlap', () => {
    const manifests = synth(TRANSITION(), { strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'orders-preview.example.com' } }) });
    expect(find(manifests, 'Ingress').map((i) => [i.metadata.name, i.spec.tls[0].secretName])).toEqual([['orders', 'orders-tls'], ['orders-preview', 'orders-preview-tls']]);
    expect(find(manifests, 'HTTPRoute').map((r) => [r.metadata.name, r.spec.parentRefs[0].name, r.spec.rules[0].backendRefs[0].name]))
      .toEqual([['orders', 'public', 'orders'], ['orders-preview', 'internal', 'orders-preview']]);
  });

  test('a canary shifts both: NGINX on the Ingress, the plugin on the HTTPRoute', () => {
    const manifests = synth(TRANSITION(), { strategy: DeployStrategy.canary() }, 'catalog');
    expect(one(manifests, 'Rollout').spec.strategy.canary.trafficRouting).toEqual({
      nginx: { stableIngress: 'catalog' },
      plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'catalog', namespace: 'shop-dev' } },
    });
    expect(one(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([backend('catalog', 100), backend('catalog-canary', 0)]);
  });

  test('Ingress-only props are fine in the transition (the Ingress uses them)', () => {
    expect(() => synth(TRANSITION(), { ingress: { host: 'orders.example.com', tlsSecretName: 'own-tls', className: 'nginx' } })).not.toThrow();
  });
});

describe('blue-green previews on the Gateway API', () => {
  const blueGreen = (traffic: Traffic, preview: object) => synth(traffic, { strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'orders-preview.example.com', ...preview } }) });

  test('the preview route attaches to the internal Gateway and routes to the preview Service', () => {
    const manifests = blueGreen(GATEWAY(), {});
    const preview = one(manifests, 'HTTPRoute', 'orders-preview');
    expect(preview.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'internal', namespace: 'gateway-system' }]);
    expect(preview.spec.rules[0].backendRefs).toEqual([backend('orders-preview', 1)]);
    expect(one(manifests, 'HTTPRoute', 'orders').spec.rules[0].backendRefs).toEqual([backend('orders', 1)]);
  });

  test('without an internal Gateway the preview is refused, unless the public Gateway is asked for explicitly', () => {
    const publicOnly = () => Traffic.gatewayApi({ gateway: PUBLIC });
    expect(() => blueGreen(publicOnly(), {})).toThrow(new PropError('BlueGreenRollout', 'orders',
      'previewIngress would publish the unreleased version on the public Gateway gateway-system/public (an HTTPRoute has no client-address filter): '
      + 'give the environment an internal Gateway for previews (Traffic.gatewayApi({ ..., previewGateway })), or set previewIngress.publicGateway: true to publish it on purpose'));
    const manifests = blueGreen(publicOnly(), { publicGateway: true });
    expect(one(manifests, 'HTTPRoute', 'orders-preview').spec.parentRefs[0].name).toBe('public');
    expect(one(blueGreen(GATEWAY(), { publicGateway: true }), 'HTTPRoute', 'orders-preview').spec.parentRefs[0].name).toBe('public');
  });

  test.each([
    ['allowSourceRanges', { allowSourceRanges: ['10.0.0.0/8'] }, 'an HTTPRoute has no client-address filter'],
    ['tlsSecretName', { tlsSecretName: 'preview-tls' }, 'TLS belongs to the Gateway\'s listener'],
    ['className', { className: 'nginx-internal' }, 'the Gateway decides'],
  ])('previewIngress.%s is an Ingress\'s: refused under the Gateway API', (prop, extra, why) => {
    expect(() => blueGreen(GATEWAY(), extra)).toThrow(`BlueGreenRollout "orders": previewIngress.${prop} applies to an Ingress, but the traffic goes through the Gateway API (Gateway gateway-system/public): ${why}`);
    expect(() => blueGreen(Traffic.ingress(), extra)).not.toThrow();
  });

  test('publicGateway is the Gateway API\'s: refused under Ingress, with the Ingress\'s way to the same', () => {
    expect(() => blueGreen(Traffic.ingress(), { publicGateway: true })).toThrow('previewIngress.publicGateway applies to the Gateway API, but the traffic goes through Ingress: use allowSourceRanges: [\'0.0.0.0/0\']');
  });
});

describe('canary on the Gateway API', () => {
  function canary(routing?: CanaryTrafficRouting, props: Partial<JavaAppProps> = {}, steps?: CanaryStep[]) {
    return synth(GATEWAY(), { strategy: DeployStrategy.canary({ trafficRouting: routing, steps }), ...props }, 'catalog');
  }

  test('the Rollout uses the plugin (not a native gatewayAPI key, which would be pruned); the route starts at 100/0', () => {
    const manifests = canary();
    const rollout = one(manifests, 'Rollout').spec.strategy.canary;
    expect(rollout.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'catalog', namespace: 'shop-dev' } } });
    expect([rollout.stableService, rollout.canaryService]).toEqual(['catalog', 'catalog-canary']);
    expect(one(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([backend('catalog', 100), backend('catalog-canary', 0)]);
    expect(one(manifests, 'Service', 'catalog-canary').spec.ports.map((p: any) => p.port)).toContain(80);
  });

  test('setCanaryScale works with the plugin (it routes traffic apart from pod counts)', () => {
    expect(() => canary(undefined, {}, [CanaryStep.setCanaryScale({ replicas: 1 }), CanaryStep.setWeight(10)])).not.toThrow();
    expect(() => canary(CanaryTrafficRouting.replicaCount(), {}, [CanaryStep.setCanaryScale({ replicas: 1 })])).toThrow('setCanaryScale needs traffic routing');
  });

  test('gatewayApi routing needs an HTTPRoute: refused for an app without one, naming the fix', () => {
    const { app, env } = platformWith(Traffic.ingress());
    expect(() => new JavaApp(env, 'catalog', { image: IMAGE, strategy: DeployStrategy.canary({ trafficRouting: CanaryTrafficRouting.gatewayApi() }) }))
      .toThrow(new PropError('CanaryRollout', 'catalog', 'trafficRouting gatewayApi needs an HTTPRoute: the workload has none, so set CanaryTrafficRouting.gatewayApi({ httpRoute: \'<route>\' }) or use CanaryTrafficRouting.replicaCount()'));
    expect(app).toBeDefined();
  });

  test('Argo CD ignores exactly the weights the plugin changes, and respects that on sync', () => {
    const { app, env } = platformWith(GATEWAY());
    new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'catalog.example.com' }, strategy: DeployStrategy.canary() });
    new ArgoCdBootstrap(app, 'argocd', { repoUrl: 'https://github.com/acme-shop/platform-gitops.git', syncPolicies: { dev: SyncPolicy.automated({ prune: true }) } });
    const application = find(app.manifests(), 'Application').find((a) => a.metadata.name === 'platform-dev');
    expect(application.spec.ignoreDifferences).toContainEqual({
      group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'catalog', namespace: 'shop-dev',
      jqPathExpressions: ['.spec.rules[].backendRefs[].weight'],
    });
    expect(application.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });
});

describe('switching an environment is one line', () => {
  /** The same platform under two traffic choices: which objects differ, by kind and name. */
  function changes(before: Traffic, after: Traffic): string[] {
    const build = (traffic: Traffic) => {
      const { app, env } = platformWith(traffic);
      new JavaApp(env, 'orders', {
        image: IMAGE, ingress: { host: 'orders.example.com' }, networkPolicy: { allowFromApps: ['catalog'] },
        strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'orders-preview.example.com' } }),
      });
      new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'catalog.example.com', path: '/api' }, strategy: DeployStrategy.canary() });
      return new Map(app.manifests().map((m) => [`${m.doc.kind}/${m.doc.metadata.name}`, JSON.stringify(m.doc)]));
    };
    const [a, b] = [build(before), build(after)];
    return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).map((k) => `${a.has(k) ? (b.has(k) ? '~' : '-') : '+'}${k}`).sort();
  }

  test('Ingress -> Gateway API: HTTPRoutes in place of Ingresses, the canary\'s router, the NetworkPolicies\' edge namespace; nothing else', () => {
    expect(changes(Traffic.ingress({ tlsSecretName: '{name}-tls' }), GATEWAY())).toEqual([
      '+HTTPRoute/catalog', '+HTTPRoute/orders', '+HTTPRoute/orders-preview',
      '-Ingress/catalog', '-Ingress/orders', '-Ingress/orders-preview',
      '~NetworkPolicy/orders',
      '~Rollout/catalog',
    ]);
  });

  test('Ingress -> transition adds the HTTPRoutes and the plugin, and keeps every Ingress as it was', () => {
    expect(changes(Traffic.ingress(), Traffic.transition({ gateway: PUBLIC, previewGateway: INTERNAL }))).toEqual([
      '+HTTPRoute/catalog', '+HTTPRoute/orders', '+HTTPRoute/orders-preview', '~NetworkPolicy/orders', '~Rollout/catalog',
    ]);
  });
});

describe('without a PlatformApp', () => {
  test('an app on the Gateway API in a plain chart writes its route too', () => {
    const chart = Testing.chart();
    new JavaApp(chart, 'orders', { image: IMAGE, ingress: { host: 'orders.example.com' }, traffic: GATEWAY() });
    expect(Testing.synth(chart).filter((d: any) => d.kind === 'HTTPRoute').map((d: any) => d.metadata.name)).toEqual(['orders']);
  });
});
