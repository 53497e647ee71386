import { byCluster, checkFolders, folderClusters, folderOf, FolderTarget } from '../lib/validate/folders';
import { Manifest } from '../lib/validate/manifest';
import { formatProblem } from '../lib/validate/problem';

type Doc = Record<string, any>;

const REPO = 'https://github.com/acme-shop/platform-gitops.git';
/** Argo CD's own cluster, as Applications name it. */
const IN = 'https://kubernetes.default.svc';
const at = (file: string, doc: Doc): Manifest => ({ file, doc });
const configMap = (folder: string, name: string, namespace?: string) =>
  at(`${folder}/${name}.yaml`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace !== undefined ? { namespace } : {}) }, data: { a: '1' } });
const namespace = (folder: string, name: string) => at(`${folder}/namespace.yaml`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const application = (name: string, path: string | undefined, destination?: Doc, file = 'argocd/applications.yaml') => at(file, {
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' },
  spec: { project: 'default', source: { repoURL: REPO, ...(path !== undefined ? { path } : {}) }, ...(destination ? { destination } : {}) },
});
const project = (name: string, file = 'argocd/projects.yaml') => at(file, {
  apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name, namespace: 'argocd' }, spec: { sourceRepos: [REPO] },
});
const known = (entries: Record<string, FolderTarget>) => new Map(Object.entries(entries));
const folders = (manifests: Manifest[], targets?: ReadonlyMap<string, FolderTarget>) => checkFolders(manifests, targets).map(formatProblem);

/** The message of a namespace that one folder owns, for another folder's claim. */
const owned = (ns: string, owner: string, ownerHow: string, folder: string, how: string, cluster = IN) =>
  `namespace "${ns}" of cluster ${cluster} belongs to folder "${owner}" (it ${ownerHow} it); folder "${folder}" ${how} it: a folder writes only its own namespaces`;
/** The message of a namespace that several folders claim and none owns. */
const claimed = (ns: string, claims: string, cluster = IN) => `namespace "${ns}" of cluster ${cluster} is claimed by folders ${claims}: each namespace of a cluster belongs to one folder`;

test('the folder of a manifest is the first part of its file', () => {
  expect(folderOf(at('dev/orders.yaml', {}))).toBe('dev');
  expect(folderOf(at('dev/sub/orders.yaml', {}))).toBe('dev');
  expect(folderOf(at('orders.yaml', {}))).toBe('');
});

describe('the cluster of a folder: its Application\'s destination, else what the constructs declared, else Argo CD\'s own', () => {
  const clustersOf = (manifests: Manifest[], targets?: ReadonlyMap<string, FolderTarget>) => Object.fromEntries(folderClusters(manifests, targets).clusters);
  test.each<[string, () => Manifest[], (() => ReadonlyMap<string, FolderTarget>) | undefined, Record<string, string>]>([
    ['an Application\'s server, without its trailing slashes', () => [configMap('prod', 'a', 'p'), application('prod', 'dist/prod', { server: 'https://prod.example.com//', namespace: 'p' })], undefined,
      { prod: 'https://prod.example.com', argocd: IN }],
    ['an Application\'s cluster name', () => [configMap('prod', 'a', 'p'), application('prod', 'dist/prod', { name: 'prod-eu-1' })], undefined,
      { prod: 'cluster named "prod-eu-1"', argocd: IN }],
    ['the name in-cluster, or no destination, is Argo CD\'s own cluster', () => [configMap('a', 'x'), configMap('b', 'x'), application('a', 'dist/a', { name: 'in-cluster' }), application('b', 'dist/b')],
      () => known({ a: { server: 'https://a.example.com' }, b: { server: 'https://b.example.com' } }), { a: IN, b: IN, argocd: IN }],
    ['the server wins over the name', () => [configMap('prod', 'a'), application('prod', 'dist/prod', { server: 'https://prod.example.com', name: 'prod-eu-1' })], undefined,
      { prod: 'https://prod.example.com', argocd: IN }],
    ['the folder that ends the source path, trailing slashes ignored', () => [configMap('prod', 'a'), application('prod', 'gitops/dist/prod//', { server: 'https://prod.example.com' })], undefined,
      { prod: 'https://prod.example.com', argocd: IN }],
    ['a source path that is the folder itself', () => [configMap('prod', 'a'), application('prod', 'prod', { server: 'https://prod.example.com' })], undefined,
      { prod: 'https://prod.example.com', argocd: IN }],
    ['an Application of a path that is no folder of the output syncs nothing', () => [configMap('prod', 'a'), application('prod', 'dist/production', { server: 'https://prod.example.com' })], undefined,
      { prod: IN, argocd: IN }],
    ['an object named Application of another API group is no Application', () => [configMap('prod', 'a'), at('argocd/x.yaml', { ...application('prod', 'dist/prod', { server: 'https://prod.example.com' }).doc, apiVersion: 'example.com/v1' })],
      undefined, { prod: IN, argocd: IN }],
    ['an ApplicationSet decides no cluster', () => [configMap('prod', 'a'), at('argocd/x.yaml', { ...application('prod', 'dist/prod', { server: 'https://prod.example.com' }).doc, kind: 'ApplicationSet' })],
      undefined, { prod: IN, argocd: IN }],
    ['without an Application, the declared server without its trailing slashes', () => [configMap('prod', 'a'), configMap('dev', 'a')], () => known({ prod: { server: 'https://prod.example.com//' } }),
      { prod: 'https://prod.example.com', dev: IN }],
    ['an Application without a spec or a source syncs nothing', () => [configMap('prod', 'a'), at('argocd/a.yaml', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' } }),
      at('argocd/b.yaml', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'b' }, spec: { destination: { server: 'https://prod.example.com' } } })], undefined, { prod: IN, argocd: IN }],
    ['an Application wins over the declared server', () => [configMap('prod', 'a'), application('prod', 'dist/prod', { server: 'https://eu.example.com' })],
      () => known({ prod: { server: 'https://prod.example.com' } }), { prod: 'https://eu.example.com', argocd: IN }],
  ])('%s', (_case, manifests, targets, expected) => {
    expect(clustersOf(manifests(), targets?.())).toEqual(expected);
  });

  test('refuses a second Application for a folder; the first one decides', () => {
    const first = application('prod', 'dist/prod', { server: 'https://prod.example.com' });
    const second = application('prod-again', 'dist/prod/', { server: 'https://other.example.com' }, 'argocd/more.yaml');
    const found = folderClusters([configMap('prod', 'a'), first, second]);
    expect(found.problems.map(formatProblem)).toEqual([
      'argocd/more.yaml Application prod-again spec.source.path: folder "prod" is already synced by argocd/applications.yaml Application prod: one Application per folder',
    ]);
    expect(found.clusters.get('prod')).toBe('https://prod.example.com');
    expect([...found.applications]).toEqual([['prod', first]]);
    expect(folders([configMap('prod', 'a'), first, second])).toEqual([
      'argocd/more.yaml Application prod-again spec.source.path: folder "prod" is already synced by argocd/applications.yaml Application prod: one Application per folder',
    ]);
  });

  test('the manifests of each cluster are grouped, in order; a folder of no known cluster is Argo CD\'s', () => {
    const a1 = configMap('a', 'one');
    const b1 = configMap('b', 'one');
    const a2 = configMap('a', 'two');
    const c1 = configMap('c', 'one');
    const d1 = configMap('d', 'one');
    const clusters = new Map([['a', IN], ['b', 'https://b.example.com'], ['c', IN]]);
    expect(byCluster([a1, b1, a2, c1, d1], clusters)).toEqual([[a1, a2, c1, d1], [b1]]);
    expect(byCluster([], clusters)).toEqual([]);
  });
});

describe('a namespace of a cluster that a folder creates or deploys to belongs to that folder alone', () => {
  test.each<[string, () => Manifest[], (() => ReadonlyMap<string, FolderTarget>) | undefined, string[]]>([
    ['refuses a folder writing into the namespace another folder creates', () => [
      namespace('prod', 'shop-prod'), configMap('prod', 'settings', 'shop-prod'), configMap('tools', 'sneaky', 'shop-prod'),
    ], undefined, [`tools/sneaky.yaml ConfigMap sneaky metadata.namespace: ${owned('shop-prod', 'prod', 'creates and writes to', 'tools', 'writes to')}`]],
    ['refuses a folder creating (relabelling) another folder\'s Namespace, which that folder deploys to', () => [
      namespace('dev', 'shop-dev'), application('dev', 'dist/dev', { server: IN, namespace: 'shop-dev' }), namespace('tools', 'shop-dev'),
    ], undefined, [`tools/namespace.yaml Namespace shop-dev metadata.name: ${owned('shop-dev', 'dev', 'creates and deploys to', 'tools', 'creates')}`]],
    ['refuses an Application deploying into a namespace another folder creates, on the Application', () => [
      namespace('dev', 'shop-dev'), configMap('dev', 'a', 'shop-dev'), configMap('prod', 'a', 'shop-prod'), application('prod', 'dist/prod', { server: IN, namespace: 'shop-dev' }),
    ], undefined, [`argocd/applications.yaml Application prod spec.destination.namespace: ${owned('shop-dev', 'dev', 'creates and writes to', 'prod', 'deploys to')}`]],
    ['refuses, with three ways of claiming, each object of the intruder', () => [
      namespace('prod', 'shop-prod'), configMap('prod', 'a', 'shop-prod'), application('prod', 'dist/prod', { server: IN, namespace: 'shop-prod' }),
      configMap('tools', 'one', 'shop-prod'), configMap('tools', 'two', 'shop-prod'),
    ], undefined, [
      `tools/one.yaml ConfigMap one metadata.namespace: ${owned('shop-prod', 'prod', 'creates, deploys to and writes to', 'tools', 'writes to')}`,
      `tools/two.yaml ConfigMap two metadata.namespace: ${owned('shop-prod', 'prod', 'creates, deploys to and writes to', 'tools', 'writes to')}`,
    ]],
    ['refuses an environment writing into the namespace the constructs declared for another folder', () => [
      configMap('tools', 'runner', 'tools'), configMap('dev', 'a', 'shop-dev'), configMap('dev', 'sneaky', 'tools'),
    ], () => known({ tools: { server: IN, namespace: 'tools' }, dev: { server: IN, namespace: 'shop-dev' } }),
    [`dev/sneaky.yaml ConfigMap sneaky metadata.namespace: ${owned('tools', 'tools', 'deploys to and writes to', 'dev', 'writes to')}`]],
    ['the folder that both creates a namespace and deploys there owns it, over another that only creates it', () => [
      namespace('b', 'shared'), namespace('a', 'shared'), configMap('a', 'x'), application('a', 'dist/a', { server: IN, namespace: 'shared' }),
    ], undefined, [`b/namespace.yaml Namespace shared metadata.name: ${owned('shared', 'a', 'creates and deploys to', 'b', 'creates')}`]],
    ['the folder that creates a namespace and deploys there owns it, over another creator and another deployer', () => [
      namespace('a', 'shared'), configMap('a', 'x'), application('a', 'dist/a', { server: IN, namespace: 'shared' }), namespace('b', 'shared'), configMap('c', 'x'),
    ], () => known({ c: { server: IN, namespace: 'shared' } }), [
      `b/namespace.yaml Namespace shared metadata.name: ${owned('shared', 'a', 'creates and deploys to', 'b', 'creates')}`,
      `folder c/: ${owned('shared', 'a', 'creates and deploys to', 'c', 'deploys to')}`,
    ]],
    ['the only deployer owns a namespace that two folders create', () => [
      namespace('a', 'shared'), namespace('b', 'shared'), configMap('c', 'x'), application('c', 'dist/c', { server: IN, namespace: 'shared' }),
    ], undefined, [
      `a/namespace.yaml Namespace shared metadata.name: ${owned('shared', 'c', 'deploys to', 'a', 'creates')}`,
      `b/namespace.yaml Namespace shared metadata.name: ${owned('shared', 'c', 'deploys to', 'b', 'creates')}`,
    ]],
    ['refuses two folders creating one namespace, naming both as claimants', () => [
      namespace('qa', 'shop'), namespace('dev', 'shop'), configMap('dev', 'a', 'shop'),
    ], undefined, [
      `dev/namespace.yaml Namespace shop metadata.name: ${claimed('shop', '"dev" (creates and writes to), "qa" (creates)')}`,
      `dev/a.yaml ConfigMap a metadata.namespace: ${claimed('shop', '"dev" (creates and writes to), "qa" (creates)')}`,
      `qa/namespace.yaml Namespace shop metadata.name: ${claimed('shop', '"dev" (creates and writes to), "qa" (creates)')}`,
    ]],
    ['refuses two environments declaring one namespace, on the folders when they have no object there', () => [
      at('dev/role.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'dev' } }), configMap('qa', 'a', 'shop'),
    ], () => known({ dev: { server: IN, namespace: 'shop' }, qa: { server: `${IN}/`, namespace: 'shop' } }), [
      `folder dev/: ${claimed('shop', '"dev" (deploys to), "qa" (deploys to and writes to)')}`,
      `qa/a.yaml ConfigMap a metadata.namespace: ${claimed('shop', '"dev" (deploys to), "qa" (deploys to and writes to)')}`,
    ]],
    ['refuses a folder writing into another folder\'s namespace on a cluster chosen by the Application', () => [
      configMap('prod', 'a', 'shop-prod'), application('prod', 'dist/prod', { server: 'https://prod.example.com', namespace: 'shop-prod' }),
      configMap('jobs', 'b', 'shop-prod'), application('jobs', 'dist/jobs', { server: 'https://prod.example.com/' }),
    ], undefined, [`jobs/b.yaml ConfigMap b metadata.namespace: ${owned('shop-prod', 'prod', 'deploys to and writes to', 'jobs', 'writes to', 'https://prod.example.com')}`]],
  ])('%s', (_case, manifests, targets, expected) => {
    expect(folders(manifests(), targets?.())).toEqual(expected);
  });

  test.each<[string, () => Manifest[], (() => ReadonlyMap<string, FolderTarget>) | undefined]>([
    ['every folder writes only its own namespaces', () => [
      namespace('dev', 'shop-dev'), configMap('dev', 'a', 'shop-dev'), namespace('prod', 'shop-prod'), configMap('prod', 'a', 'shop-prod'),
      application('dev', 'dist/dev', { server: IN, namespace: 'shop-dev' }), application('prod', 'dist/prod', { server: IN, namespace: 'shop-prod' }), project('dev'),
    ], undefined],
    ['a namespace that no folder creates or deploys to may be shared', () => [configMap('orders', 'a', 'apps'), configMap('catalog', 'a', 'apps')], undefined],
    ['the same namespace name on another cluster is another namespace', () => [namespace('prod', 'shop'), configMap('tools', 'a', 'shop')],
      () => known({ prod: { server: 'https://prod.example.com' } })],
    ['the same namespace name on a cluster named by another Application', () => [
      namespace('prod', 'shop'), application('prod', 'dist/prod', { name: 'prod-eu-1', namespace: 'shop' }), namespace('qa', 'shop'), application('qa', 'dist/qa', { name: 'qa-1', namespace: 'shop' }),
    ], undefined],
    ['a cluster-scoped object with a namespace claims nothing', () => [
      namespace('prod', 'shop-prod'), at('tools/role.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'shop-prod' } }),
    ], undefined],
    ['an object without a namespace claims nothing', () => [namespace('prod', 'shop-prod'), configMap('tools', 'a'), configMap('tools', 'b', '')], undefined],
    ['a Namespace without a name creates nothing', () => [namespace('prod', 'shop-prod'), at('tools/ns.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: {} }), at('tools/bare.yaml', { apiVersion: 'v1', kind: 'Namespace' })], undefined],
    ['Applications without a destination namespace claim none', () => [configMap('a', 'x'), configMap('b', 'x'), application('a', 'dist/a', { server: IN }), application('b', 'dist/b', { server: IN })], undefined],
    ['an Application without a destination namespace deploys nowhere', () => [configMap('prod', 'a', 'shop-prod'), application('prod', 'dist/prod', { server: IN }), namespace('dev', 'shop')],
      () => known({ prod: { server: IN, namespace: 'shop' } })],
    ['a declared namespace of a folder without output claims nothing', () => [namespace('dev', 'shop')], () => known({ qa: { server: IN, namespace: 'shop' } })],
    ['a declared target without a namespace claims nothing', () => [namespace('dev', 'shop'), configMap('qa', 'a')], () => known({ qa: { server: IN } })],
  ])('accepts %s', (_case, manifests, targets) => {
    expect(folders(manifests(), targets?.())).toEqual([]);
  });

  test('an object of a kind without a schema counts as namespaced', () => {
    const widget = at('tools/widget.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop-prod' } });
    expect(folders([namespace('prod', 'shop-prod'), widget])).toEqual([
      `tools/widget.yaml Widget w metadata.namespace: ${owned('shop-prod', 'prod', 'creates', 'tools', 'writes to')}`,
    ]);
  });

  test('a Namespace of another API group is an object in a namespace, not a Namespace', () => {
    const fake = at('tools/fake.yaml', { apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'shop-prod', namespace: 'tools' } });
    expect(folders([namespace('prod', 'shop-prod'), fake])).toEqual([]);
  });
});

describe('Argo CD objects live in the bootstrap folder only', () => {
  const ELSEWHERE = (folder: string, kind: string) => `kind: Argo CD objects belong to the bootstrap folder "${folder}" only: an ${kind} elsewhere would let this folder deploy beyond its own project`;
  test.each<[string, () => Manifest[], string[]]>([
    ['refuses an Application in an environment folder', () => [project('shop'), application('dev', 'dist/dev'), application('escape', 'dist/prod', undefined, 'dev/escape.yaml')],
      [`dev/escape.yaml Application escape ${ELSEWHERE('argocd', 'Application')}`]],
    ['refuses an AppProject and an ApplicationSet outside the bootstrap', () => [
      project('wide', 'dev/wide.yaml'), project('a'), project('b'), at('tools/set.yaml', { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec: {} }),
    ], [`dev/wide.yaml AppProject wide ${ELSEWHERE('argocd', 'AppProject')}`, `tools/set.yaml ApplicationSet set ${ELSEWHERE('argocd', 'ApplicationSet')}`]],
    ['the folder with the most Argo CD objects is the bootstrap, whatever its name and order', () => [project('one', 'a/p.yaml'), project('two', 'z/p.yaml'), project('three', 'z/q.yaml')],
      [`a/p.yaml AppProject one ${ELSEWHERE('z', 'AppProject')}`]],
    ['on a tie, the first folder by name is the bootstrap', () => [project('two', 'b/p.yaml'), project('one', 'a/p.yaml')], [`b/p.yaml AppProject two ${ELSEWHERE('a', 'AppProject')}`]],
  ])('%s', (_case, manifests, expected) => {
    expect(folders(manifests())).toEqual(expected);
  });

  test.each<[string, () => Manifest[]]>([
    ['all Argo CD objects in one folder', () => [project('a'), application('a', 'dist/a'), at('argocd/set.yaml', { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 's', namespace: 'argocd' } })]],
    ['other kinds of argoproj.io (Rollouts, Workflows) live anywhere', () => [project('a'), at('dev/r.yaml', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' } })]],
    ['an Application kind of another API group is no Argo CD object', () => [project('a'), at('dev/x.yaml', { apiVersion: 'example.com/v1', kind: 'Application', metadata: { name: 'x' } })]],
    ['a document without an apiVersion is no Argo CD object', () => [project('a'), at('dev/x.yaml', { kind: 'AppProject', metadata: { name: 'x' } })]],
  ])('accepts %s', (_case, manifests) => {
    expect(folders(manifests())).toEqual([]);
  });
});
