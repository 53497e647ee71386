import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AccessMode, ArgoCdBootstrap, ArgoCdCluster, DeployStrategy, Environment, EnvironmentProps, IN_CLUSTER, JavaApp, Manifest, PlatformApp, SyncPolicy } from '../lib';
import { PropError } from '../lib/props/checks';
import { find, one, problemsOf, tempDir } from './support/platform';

const REPO = 'https://github.com/acme-shop/platform-gitops.git';
const EU: ArgoCdCluster = { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com' };
const US: ArgoCdCluster = { name: 'prod-us-1', server: 'https://prod-us-1.k8s.example.com:6443' };

/** Environments (name, namespace, cluster) with one blue-green app each, a pipeline-like chart, and the bootstrap. */
function platform(envs: [string, string, ArgoCdCluster | undefined][], withTools = true) {
  const app = new PlatformApp({ outdir: tempDir() });
  for (const [name, namespace, cluster] of envs) {
    const env = new Environment(app, name, { namespace, partOf: 'shop', ...(cluster ? { cluster } : {}) });
    new JavaApp(env, 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2', strategy: DeployStrategy.blueGreen(), storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY } });
  }
  if (withTools) {
    const tools = new Chart(app, 'ci', { namespace: 'argo', disableResourceNameHashes: true });
    new ApiObject(tools, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  }
  new ArgoCdBootstrap(app, 'argocd', { repoUrl: REPO, syncPolicies: { dev: SyncPolicy.automated({ prune: true }) } });
  return app;
}

const destinations = (manifests: Manifest[], project: string) => one(manifests, 'AppProject', project).spec.destinations;

describe('environments on their own clusters', () => {
  describe('GIVEN dev on Argo CD\'s own cluster and prod on two clusters of their own', () => {
    const app = platform([['dev', 'shop-dev', undefined], ['prod-eu', 'shop-prod', EU], ['prod-us', 'shop-prod', US]]);
    const manifests = app.manifests();

    test('THEN each Application deploys its folder to its environment\'s cluster', () => {
      const dest = (folder: string) => one(manifests, 'Application', `platform-${folder}`).spec.destination;
      expect(dest('dev')).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop-dev' });
      expect(dest('prod-eu')).toEqual({ server: EU.server, namespace: 'shop-prod' });
      expect(dest('prod-us')).toEqual({ server: US.server, namespace: 'shop-prod' });
      // The pipeline's folder goes to the bootstrap's server; the bootstrap's own folder always to Argo CD's cluster.
      expect(dest('ci')).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argo' });
      expect(dest('argocd')).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    });

    test('THEN each AppProject allows exactly its (cluster, namespace) pairs and no others', () => {
      expect(destinations(manifests, 'platform-dev')).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'shop-dev' }]);
      expect(destinations(manifests, 'platform-prod-eu')).toEqual([{ server: EU.server, namespace: 'shop-prod' }]);
      expect(destinations(manifests, 'platform-prod-us')).toEqual([{ server: US.server, namespace: 'shop-prod' }]);
      const all = find(manifests, 'AppProject').flatMap((p) => p.spec.destinations.map((d: any) => `${p.metadata.name} ${d.server} ${d.namespace}`));
      expect(new Set(all.map((d) => d.split(' ').slice(1).join(' '))).size).toBe(all.length);
      for (const p of find(manifests, 'AppProject')) {
        for (const d of p.spec.destinations) expect(d.server === '*' || d.namespace === '*' || /[*?[]/.test(d.namespace)).toBe(false);
      }
    });

    test('THEN the same namespace on different clusters is fine: each cluster gets its own objects, the gate passes', () => {
      const prod = manifests.filter((m) => m.doc.metadata.namespace === 'shop-prod' || m.doc.metadata.name === 'shop-prod');
      expect(new Set(prod.map((m) => m.file.split('/')[0]))).toEqual(new Set(['prod-eu', 'prod-us']));
      expect(find(manifests, 'Namespace', 'shop-prod')).toHaveLength(2);
      expect(one(manifests, 'AppProject', 'platform-prod-eu').spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'shop-prod' }]);
    });

    test('THEN the project descriptions name the clusters', () => {
      expect(one(manifests, 'AppProject', 'platform-prod-us').spec.description).toContain(`cluster prod-us-1 (${US.server})`);
      expect(one(manifests, 'AppProject', 'platform-dev').spec.description).toContain('cluster in-cluster (https://kubernetes.default.svc)');
    });
  });

  test('two environments writing the same namespace of the same cluster are refused', () => {
    const app = platform([['dev', 'shop', EU], ['prod', 'shop', EU]], false);
    const problems = problemsOf(app);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining(`prod/namespace.yaml Namespace shop metadata.name: namespace "shop" of cluster ${EU.server} is claimed by folders "dev" (creates, deploys to and writes to), "prod" (creates, deploys to and writes to)`),
      expect.stringContaining('prod/orders.yaml Deployment orders metadata.name: duplicates dev/orders.yaml Deployment orders'),
    ]));
  });

  test('the default cluster is Argo CD\'s own: an environment without cluster collides with one on in-cluster', () => {
    const app = platform([['dev', 'shop', undefined], ['qa', 'shop', IN_CLUSTER]], false);
    expect(problemsOf(app).join('\n')).toContain('namespace "shop" of cluster https://kubernetes.default.svc is claimed by folders "dev"');
  });

  test('a cluster named twice with different servers, or one server with two names, is refused', () => {
    const app = platform([['dev', 'shop-dev', EU], ['prod', 'shop-prod', { name: 'prod-eu-1', server: 'https://other.example.com' }]], false);
    expect(problemsOf(app)).toEqual([expect.stringContaining(
      'environments "dev" and "prod" name cluster "prod-eu-1" with different servers (https://prod-eu-1.k8s.example.com, https://other.example.com): one cluster has one address')]);
    const renamed = platform([['dev', 'shop-dev', EU], ['prod', 'shop-prod', { name: 'eu', server: `${EU.server}/` }]], false);
    expect(problemsOf(renamed)).toEqual([expect.stringContaining(
      `environments "dev" and "prod" give the cluster ${EU.server} different names ("prod-eu-1", "eu")`)]);
  });
});

describe('Environment props', () => {
  const make = (props: any) => new Environment(new PlatformApp({ outdir: tempDir() }), 'prod', props as EnvironmentProps);

  test('cluster defaults to Argo CD\'s own, and a trailing slash is dropped', () => {
    expect(make({}).cluster).toEqual({ name: 'in-cluster', server: 'https://kubernetes.default.svc' });
    expect(make({ cluster: { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com/' } }).cluster).toEqual(EU);
    expect(make({ cluster: { name: 'rancher', server: 'https://rancher.example.com/k8s/clusters/c-m-4x2' } }).cluster.server).toBe('https://rancher.example.com/k8s/clusters/c-m-4x2');
  });

  test.each([
    [{ clusters: EU }, 'Environment "prod": unknown prop `clusters`: did you mean `cluster`?'],
    [{ namepsace: 'x' }, 'unknown prop `namepsace`: did you mean `namespace`?'],
    [{ createNamespaces: false }, 'unknown prop `createNamespaces`: did you mean `createNamespace`?'],
    [{ part_of: 'shop' }, 'unknown prop `part_of`: did you mean `partOf`?'],
    [{ cluster: { name: 'eu', sever: 'https://eu.example.com' } }, 'unknown prop `cluster.sever`: did you mean `cluster.server`?; `cluster.server` is required'],
    [{ cluster: { name: 'eu', server: 'http://eu.example.com' } }, 'cluster.server must be the https:// URL of a Kubernetes API server, got "http://eu.example.com"'],
    [{ cluster: { name: 'eu', server: 'https://admin:hunter2@eu.example.com' } }, 'cluster.server must not contain credentials'],
    [{ cluster: { name: 'eu', server: 'https://eu.example.com?token=x' } }, 'cluster.server must be a plain API server URL without query or fragment'],
    [{ cluster: { name: 'EU 1', server: 'https://eu.example.com' } }, 'cluster.name must be the cluster\'s name in Argo CD'],
    [{ cluster: { name: 'in-cluster', server: 'https://eu.example.com' } }, 'cluster: "in-cluster" is Argo CD\'s own cluster, https://kubernetes.default.svc; name and server must both be it or neither'],
    [{ cluster: { name: 'local', server: 'https://kubernetes.default.svc' } }, 'name and server must both be it or neither'],
    [{ cluster: 'prod-eu-1' }, 'cluster: expected an object (ArgoCdCluster), got the string "prod-eu-1"'],
  ])('%j is refused with a PropError naming the prop', (props, message) => {
    expect(() => make(props)).toThrow(PropError);
    expect(() => make(props)).toThrow(message);
  });
});

describe('the sample (main.ts, committed dist/)', () => {
  const read = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', 'dist', 'argocd', file), 'utf8')).map((d) => d.toJS());
  const applications = read('applications.yaml');
  const projects = read('projects.yaml');

  test('dev runs on Argo CD\'s own cluster, prod on prod-eu-1; each project allows exactly its environment\'s pair', () => {
    const dest = (name: string) => applications.find((a) => a.metadata.name === name).spec.destination;
    expect(dest('platform-dev')).toEqual({ namespace: 'shop-dev', server: 'https://kubernetes.default.svc' });
    expect(dest('platform-prod')).toEqual({ namespace: 'shop-prod', server: 'https://prod-eu-1.k8s.example.com' });
    const allowed = (name: string) => projects.find((p) => p.metadata.name === name).spec.destinations;
    expect(allowed('platform-dev')).toEqual([{ namespace: 'shop-dev', server: 'https://kubernetes.default.svc' }]);
    expect(allowed('platform-prod')).toEqual([{ namespace: 'shop-prod', server: 'https://prod-eu-1.k8s.example.com' }]);
    for (const a of applications) expect(a.spec.project).toBe(a.metadata.name);
    expect(projects.map((p) => p.metadata.name).sort()).toEqual(applications.map((a) => a.metadata.name).sort());
  });
});
