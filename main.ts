// The platform: which apps run in which environment. Images come from releases/<env>.json, which the
// deploy pipeline updates; everything else is declared here. `npm run synth` writes dist/<env>/.
import { Chart, Duration } from 'cdk8s';
import { AnalysisTemplate, ArgoCdBootstrap, DeployStrategy, Environment, IN_CLUSTER, JavaApp, PipelineTemplate, PlatformApp, Releases, SecretRef, AccessMode, SyncPolicy, SecretStoreRef, StoreValue, Traffic } from './lib';

const app = new PlatformApp();

// dev runs on Argo CD's own cluster; prod on a cluster of its own, registered in Argo CD
// (`argocd cluster add`, see docs/gitops.md): its credentials never enter Git.
// Traffic: dev is reached through the Gateway API (an HTTPRoute per app on the shared Gateway,
// previews on the internal one); prod still through ingress-nginx, each Ingress with its TLS Secret.
// Switching prod is its one `traffic` line (docs/traffic.md).
const environments = [
  {
    name: 'dev', cluster: IN_CLUSTER, domain: 'dev.shop.example.com', replicas: 1, maxReplicas: 3, memory: '768Mi', profiles: ['dev'],
    traffic: Traffic.gatewayApi({
      gateway: { name: 'public', namespace: 'gateway-system', sectionName: 'https' },
      previewGateway: { name: 'internal', namespace: 'gateway-system' },
    }),
  },
  {
    name: 'prod', cluster: { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com' }, domain: 'shop.example.com', replicas: 3, maxReplicas: 10, memory: '2Gi', profiles: ['prod'],
    traffic: Traffic.ingress({ tlsSecretName: '{name}-tls' }),
  },
];

for (const e of environments) {
  // Secrets come from each cluster's ClusterSecretStore "vault" (External Secrets Operator, docs/secrets.md).
  const env = new Environment(app, e.name, {
    namespace: `shop-${e.name}`, partOf: 'shop', cluster: e.cluster, traffic: e.traffic, secretStores: { default: SecretStoreRef.cluster('vault') },
  });
  const releases = Releases.load(e.name);

  // Release analysis from Prometheus: each template measures the Service of the version under test (the arg
  // service-name, filled in from the strategy and the step); the gate checks that a ServiceMonitor of the
  // environment scrapes it (JavaApp's default).
  const prometheusAddress = 'http://prometheus-operated.monitoring.svc:9090';
  // After the switch to green: five measurements of the active Service's real traffic; failure rolls back.
  const afterPromotion = AnalysisTemplate.successRate(env, 'http-success-rate-after-promotion', { prometheusAddress, threshold: 0.99, count: 5 });

  new JavaApp(env, 'orders', {
    image: releases.image('orders'),
    replicas: e.replicas,
    memoryLimit: e.memory,
    springProfiles: e.profiles,
    applicationConfig: [
      'spring:',
      '  datasource:',
      `    url: jdbc:postgresql://orders-db.shop-${e.name}.svc:5432/orders`,
      '    username: orders',
      'orders:',
      `  catalog-url: http://catalog.shop-${e.name}.svc`,
      '',
    ].join('\n'),
    secrets: [SecretRef.envFromStore('SPRING_DATASOURCE_PASSWORD', 'orders-db', 'password', StoreValue.key(`shop/${e.name}/orders/db`, { property: 'password' }))],
    ingress: { host: `orders.${e.domain}` },
    autoscaling: { minReplicas: e.replicas, maxReplicas: e.maxReplicas, cpuUtilization: 70 },
    networkPolicy: { allowFromApps: ['catalog'] },
    strategy: DeployStrategy.blueGreen({
      previewReplicaCount: 1,
      // Only from private networks (the Ingress's default allow-list, or the internal Gateway): green is unreleased.
      previewIngress: { host: `orders-preview.${e.domain}` },
      postPromotionAnalysis: { templates: [afterPromotion] },
    }),
    alerts: { successRate: 0.99, latency: false },
  });

  // Canary analysis: the canary Service only, in the background from the first step on.
  const successRate = AnalysisTemplate.successRate(env, 'http-success-rate', { prometheusAddress, threshold: 0.99 });
  const latency = AnalysisTemplate.latency(env, 'http-latency', { prometheusAddress, quantile: 0.95, threshold: Duration.millis(500) });

  new JavaApp(env, 'catalog', {
    image: releases.image('catalog'),
    replicas: e.replicas + 1,
    memoryLimit: e.memory,
    springProfiles: e.profiles,
    // The latency analysis and alert read the request-duration histogram: JavaApp turns it on.
    env: { CATALOG_CACHE_TTL: e.name === 'prod' ? '10m' : '1m' },
    secrets: [SecretRef.filesFromStore('catalog-search-credentials', '/etc/secrets/search', {
      username: StoreValue.key(`shop/${e.name}/catalog/search`, { property: 'username' }),
      password: StoreValue.key(`shop/${e.name}/catalog/search`, { property: 'password' }),
    })],
    storage: { size: e.name === 'prod' ? '50Gi' : '5Gi', mountPath: '/var/lib/catalog', storageClassName: 'shared-files', accessMode: AccessMode.READ_WRITE_MANY },
    ingress: { host: `catalog.${e.domain}`, path: '/api' },
    networkPolicy: { allowFromApps: ['orders'] },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    // The edge shifts traffic (the Gateway API plugin on the app's HTTPRoute, NGINX on its Ingress):
    // 20%, a person promotes, 50%, 5 minutes, 100%;
    // the analysis measures the canary Service only and aborts the release when it fails.
    strategy: DeployStrategy.canary({
      analysis: { templates: [successRate, latency] },
    }),
    // The on-call alerts use the analysis definitions and thresholds.
    alerts: { successRate: 0.99, latencyQuantile: 0.95, latencySeconds: 0.5 },
  });

  releases.assertAllUsed();
}

// The build-and-deploy pipeline (Argo Workflows), once for the platform: dist/ci/.
new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', {
  gitopsRepo: 'https://github.com/acme-shop/platform-gitops.git',
  // Builds push only to ghcr.io/acme-shop/<app>; source credentials go to github.com only.
  imageRepository: 'ghcr.io/acme-shop/{app}',
  sourceRepoHost: 'github.com',
  // prod runs on another cluster: the pipeline waits, promotes and aborts there through Argo CD's
  // API, with the token of the project role in the Secret argocd-pipeline-token.
  argoCdServer: 'https://argocd-server.argocd.svc',
});

// Argo CD: one AppProject and one Application per folder of dist/, each environment on its cluster;
// created last, as it discovers the other folders.
new ArgoCdBootstrap(app, 'argocd', {
  repoUrl: 'https://github.com/acme-shop/platform-gitops.git',
  syncPolicies: {
    dev: SyncPolicy.automated({ prune: true, selfHeal: true }),
    prod: SyncPolicy.manual(),
  },
});

app.synth();
