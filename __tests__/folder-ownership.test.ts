import { ApiObject, Chart } from 'cdk8s';
import { ArgoCdBootstrap, ArgoCdCluster, Environment, JavaApp, Manifest, PlatformApp, validateManifests } from '../lib';
import { formatProblem } from '../lib/validate/problem';
import { problemsOf, tempDir } from './support/platform';

const REPO = 'https://github.com/acme-shop/platform-gitops.git';
const PROD: ArgoCdCluster = { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com' };

/** dev and prod (with an app each, prod optionally on its own cluster), a `tools` chart, the bootstrap. */
function platform(opts: { prodCluster?: ArgoCdCluster; tools?: (chart: Chart) => void; dev?: (env: Environment) => void; bootstrap?: boolean } = {}) {
  const app = new PlatformApp({ outdir: tempDir() });
  const dev = new Environment(app, 'dev', { namespace: 'shop-dev' });
  new JavaApp(dev, 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2' });
  const prod = new Environment(app, 'prod', { namespace: 'shop-prod', ...(opts.prodCluster ? { cluster: opts.prodCluster } : {}) });
  new JavaApp(prod, 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2' });
  const tools = new Chart(app, 'tools', { namespace: 'tools', disableResourceNameHashes: true });
  new ApiObject(tools, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  opts.tools?.(tools);
  opts.dev?.(dev);
  if (opts.bootstrap ?? true) new ArgoCdBootstrap(app, 'argocd', { repoUrl: REPO });
  return app;
}

const configMap = (scope: Chart, id: string, namespace: string) =>
  new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace }, data: { a: '1' } });

describe('each namespace of a cluster belongs to one folder', () => {
  test('accepted: every folder writes only its own namespaces', () => {
    expect(() => platform().manifests()).not.toThrow();
  });

  test('refused: a folder writes into another folder\'s namespace on the same cluster', () => {
    const app = platform({ tools: (t) => configMap(t, 'sneaky', 'shop-prod') });
    expect(problemsOf(app)).toEqual([
      'tools/sneaky.yaml ConfigMap sneaky metadata.namespace: namespace "shop-prod" of cluster https://kubernetes.default.svc belongs to folder "prod" (it creates, deploys to and writes to it); folder "tools" writes to it: a folder writes only its own namespaces',
    ]);
  });

  test('refused: an environment writes into the pipeline\'s namespace (a destination it does not create)', () => {
    const app = platform({ dev: (env) => configMap(env, 'sneaky', 'tools') });
    expect(problemsOf(app)).toEqual([
      'dev/sneaky.yaml ConfigMap sneaky metadata.namespace: namespace "tools" of cluster https://kubernetes.default.svc belongs to folder "tools" (it deploys to and writes to it); folder "dev" writes to it: a folder writes only its own namespaces',
    ]);
  });

  test('refused: a folder creates or relabels another folder\'s Namespace', () => {
    const app = platform({
      tools: (t) => new ApiObject(t, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-dev', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }),
    });
    expect(problemsOf(app)).toEqual(expect.arrayContaining([
      expect.stringContaining('tools/ns.yaml Namespace shop-dev metadata.name: namespace "shop-dev" of cluster https://kubernetes.default.svc belongs to folder "dev" (it creates, deploys to and writes to it); folder "tools" creates it'),
    ]));
  });

  test('accepted: the same namespace name on another cluster is another namespace', () => {
    const app = platform({ prodCluster: PROD, tools: (t) => configMap(t, 'tools-in-shop-prod', 'shop-prod') });
    // tools (Argo CD's own cluster) writes shop-prod there; prod's shop-prod is on prod-eu-1.
    expect(() => app.manifests()).not.toThrow();
  });

  test('refused without a bootstrap too: the clusters come from the environments', () => {
    const app = platform({ bootstrap: false, tools: (t) => configMap(t, 'sneaky', 'shop-prod') });
    expect(problemsOf(app)).toEqual([expect.stringContaining('tools/sneaky.yaml ConfigMap sneaky metadata.namespace: namespace "shop-prod" of cluster https://kubernetes.default.svc belongs to folder "prod"')]);
    const elsewhere = platform({ bootstrap: false, prodCluster: PROD, tools: (t) => configMap(t, 'fine', 'shop-prod') });
    expect(() => elsewhere.manifests()).not.toThrow();
  });
});

describe('a namespace that no folder owns may be shared', () => {
  /** One top-level chart per app, all in `apps` (the arrangement of plain cdk8s projects). */
  function charts(bootstrap: boolean) {
    const app = new PlatformApp({ outdir: tempDir() });
    for (const name of ['orders', 'catalog']) {
      const chart = new Chart(app, name, { namespace: 'apps', disableResourceNameHashes: true });
      new JavaApp(chart, name, { image: `ghcr.io/acme-shop/${name}:1.0.0` });
    }
    if (bootstrap) new ArgoCdBootstrap(app, 'argocd', { repoUrl: REPO });
    return app;
  }

  test('accepted: top-level charts share a namespace that none of them creates, without Argo CD', () => {
    expect(() => charts(false).manifests()).not.toThrow();
  });

  test('refused: with Argo CD, each chart\'s Application would deploy to the same namespace', () => {
    const problems = problemsOf(charts(true));
    const claim = 'namespace "apps" of cluster https://kubernetes.default.svc is claimed by folders "catalog" (deploys to and writes to), "orders" (deploys to and writes to): each namespace of a cluster belongs to one folder';
    expect(problems).toEqual(expect.arrayContaining([
      `argocd/applications.yaml Application platform-catalog spec.destination.namespace: ${claim}`,
      `argocd/applications.yaml Application platform-orders spec.destination.namespace: ${claim}`,
      `catalog/catalog.yaml Deployment catalog metadata.namespace: ${claim}`,
      `orders/orders.yaml Deployment orders metadata.namespace: ${claim}`,
    ]));
    expect(problems.filter((p) => !p.endsWith(claim))).toEqual([]);
  });

  test('refused: two environments declare the same namespace, even when neither creates it', () => {
    const app = new PlatformApp({ outdir: tempDir() });
    for (const name of ['dev', 'qa']) new JavaApp(new Environment(app, name, { namespace: 'shop', createNamespace: false }), 'orders', { image: 'ghcr.io/acme-shop/orders:1.0.0' });
    expect(problemsOf(app)).toEqual(expect.arrayContaining([
      expect.stringContaining('dev/orders.yaml Deployment orders metadata.namespace: namespace "shop" of cluster https://kubernetes.default.svc is claimed by folders "dev" (deploys to and writes to), "qa" (deploys to and writes to)'),
    ]));
  });
});

describe('Argo CD objects live in the bootstrap folder only', () => {
  const application = (scope: Chart) => new ApiObject(scope, 'escape', {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'escape', namespace: 'shop-dev' },
    spec: { project: 'default', source: { repoURL: REPO, path: 'dist/prod' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop-prod' } },
  });

  test('refused: an Application in an environment folder', () => {
    const problems = problemsOf(platform({ dev: (env) => application(env) }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('folder "dev" synthesizes Application: only the folder "argocd" may hold Argo CD projects and Applications'),
    ]));
  });

  test('refused by the gate on read-back output too, and the project of dev never whitelists it', () => {
    const manifests = platform().manifests();
    const extra: Manifest = { file: 'dev/escape.yaml', doc: {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'escape', namespace: 'argocd' },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    } };
    const problems = validateManifests([...manifests, extra]).map(formatProblem);
    expect(problems).toContain('dev/escape.yaml AppProject escape kind: Argo CD objects belong to the bootstrap folder "argocd" only: an AppProject elsewhere would let this folder deploy beyond its own project');
    const dev = manifests.find((m) => m.doc.kind === 'AppProject' && m.doc.metadata.name === 'platform-dev')!.doc;
    expect(JSON.stringify(dev.spec)).not.toContain('argoproj.io","kind":"App');
    expect(validateManifests(manifests)).toEqual([]);
  });
});

describe('names and references hold per cluster', () => {
  /** Two folders with the same objects in the same namespace, and a Service in `a` whose pods are only in `b`. */
  function twoFolders(): Manifest[] {
    const cm = (file: string) => ({ file, doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } } });
    const svc: Manifest = { file: 'a/svc.yaml', doc: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } };
    const pod: Manifest = { file: 'b/web.yaml', doc: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } } },
    } };
    return [cm('a/cm.yaml'), cm('b/cm.yaml'), svc, pod];
  }
  const gate = (manifests: Manifest[], clusters?: Map<string, string>) =>
    validateManifests(manifests, { policy: false, folders: clusters && new Map([...clusters].map(([f, server]) => [f, { server }])) }).map(formatProblem);

  test('on one cluster: the duplicate is refused', () => {
    const problems = gate(twoFolders());
    expect(problems).toEqual(['b/cm.yaml ConfigMap settings metadata.name: duplicates a/cm.yaml ConfigMap settings: names must be unique per kind and namespace']);
  });

  test('on two clusters: no duplicate, and a Service does not select pods of another cluster', () => {
    const problems = gate(twoFolders(), new Map([['a', 'https://a.example.com'], ['b', 'https://b.example.com']]));
    expect(problems).toEqual(['a/svc.yaml Service web spec.selector: selects no pods of this namespace ({"app":"web"}): use the labels of the app\'s pod template']);
  });

  test('an Application\'s destination decides the cluster of the folder it syncs, by server or by name', () => {
    const app = (folder: string, destination: object): Manifest => ({ file: 'argocd/apps.yaml', doc: {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: folder, namespace: 'argocd' },
      spec: { project: folder, source: { repoURL: REPO, path: `dist/${folder}` }, destination: { ...destination, namespace: 'shop' } },
    } });
    const split = gate([...twoFolders(), app('a', { server: 'https://a.example.com' }), app('b', { name: 'cluster-b' })]);
    expect(split.filter((p) => !p.includes('spec.selector'))).toEqual([]);
    const same = gate([...twoFolders(), app('a', { name: 'in-cluster' }), app('b', { server: 'https://kubernetes.default.svc/' })]);
    expect(same.some((p) => p.includes('duplicates a/cm.yaml'))).toBe(true);
  });
});
