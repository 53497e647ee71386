import { ApiObject, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { ArgoCdBootstrap, ArgoCdBootstrapProps, DeployStrategy, Environment, JavaApp, Manifest, PlatformApp, SyncPolicy, ValidationError } from '../../lib';
import { SYNC_WAVE_ANNOTATION, syncWaveOf } from '../../lib/platform/platform-app';
import { isNamespaced, validateSchema } from '../../lib/validate/schema';
import { find, one, problemsOf, tempDir } from '../support/platform';

const REPO = 'https://github.com/acme-shop/platform-gitops.git';

/**
 * A small platform: environments dev and prod (an app with a blue-green Rollout and an autoscaler,
 * an app with a rolling update), a `tools` chart in its own namespace, and the Argo CD bootstrap.
 */
function platform(props: Partial<ArgoCdBootstrapProps> = {}, extra?: (app: PlatformApp) => void) {
  const app = new PlatformApp({ outdir: tempDir() });
  for (const name of ['dev', 'prod']) {
    const env = new Environment(app, name, { namespace: `shop-${name}`, partOf: 'shop' });
    const orders = new JavaApp(env, 'orders', {
      image: 'ghcr.io/acme-shop/orders:1.4.2',
      autoscaling: { maxReplicas: 4 },
      ingress: { host: `orders.${name}.example.com` },
      applicationConfig: 'a: 1\n',
      strategy: DeployStrategy.blueGreen(),
    });
    // An AnalysisTemplate in the app's own file, to check the order of waves within one file.
    new ApiObject(orders, 'analysis', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'orders-smoke' },
      spec: { metrics: [{ name: 'smoke', successCondition: 'result == true', provider: { web: { url: 'http://orders-preview/actuator/health', jsonPath: '{$.status}' } } }] },
    });
    new JavaApp(env, 'catalog', { image: 'ghcr.io/acme-shop/catalog:2.3.1', storage: { size: '1Gi' }, replicas: 1 });
  }
  const tools = new Chart(app, 'tools', { namespace: 'tools', disableResourceNameHashes: true });
  new ApiObject(tools, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  extra?.(app);
  const bootstrap = new ArgoCdBootstrap(app, 'argocd', {
    repoUrl: REPO,
    syncPolicies: { dev: SyncPolicy.automated({ prune: true, selfHeal: true }), prod: SyncPolicy.manual() },
    ...props,
  });
  return { app, bootstrap };
}

const folderOf = (m: Manifest) => m.file.split('/')[0];
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const application = (manifests: Manifest[], folder: string) => one(manifests, 'Application', `platform-${folder}`);

describe('ArgoCdBootstrap', () => {
  describe('GIVEN two environments, a tools chart and the bootstrap', () => {
    let manifests: Manifest[];
    let files: Map<string, string>;
    let folders: string[];
    // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
    beforeEach(() => {
      if (manifests) return;
      const { app } = platform();
      manifests = app.manifests();
      files = app.files();
      folders = [...new Set([...files.keys()].map((f) => f.split('/')[0]))].sort();
    });

    test('THEN its objects go to their own folder, in namespace argocd', () => {
      expect(folders).toEqual(['argocd', 'dev', 'prod', 'tools']);
      const argo = manifests.filter((m) => folderOf(m) === 'argocd');
      expect(argo.map((m) => `${m.file} ${m.doc.kind} ${m.doc.metadata.name}`).sort()).toEqual([
        ...folders.map((f) => `argocd/applications.yaml Application platform-${f}`),
        ...folders.map((f) => `argocd/projects.yaml AppProject platform-${f}`),
      ]);
      for (const m of argo) expect(m.doc.metadata.namespace).toBe('argocd');
      expect(YAML.parse(files.get('argocd/Kustomization')!).resources).toEqual(['applications.yaml', 'projects.yaml']);
    });

    test('THEN each folder has its own AppProject: only the repository, its own namespaces and exactly the kinds it has', () => {
      for (const folder of folders) {
        const project = one(manifests, 'AppProject', `platform-${folder}`);
        const own = manifests.filter((m) => folderOf(m) === folder);
        expect(project.spec.sourceRepos).toEqual([REPO]);
        const namespaces = [...new Set(own.map((m) => m.doc.metadata.namespace).filter(Boolean))].sort();
        expect(project.spec.destinations).toEqual(namespaces.map((namespace) => ({ namespace, server: 'https://kubernetes.default.svc' })));

        const kinds = (namespaced: boolean) => [...new Set(own
          .filter((m) => isNamespaced(m.doc.apiVersion, m.doc.kind) === namespaced)
          .map((m) => `${groupOf(m.doc.apiVersion)}/${m.doc.kind}${namespaced ? '' : `/${m.doc.metadata.name}`}`))].sort();
        const listed = (list: { group: string; kind: string; name?: string }[] = []) => list.map((gk) => `${gk.group}/${gk.kind}${gk.name ? `/${gk.name}` : ''}`);
        expect(listed(project.spec.namespaceResourceWhitelist)).toEqual(kinds(true));
        if (folder !== 'tools') expect(listed(project.spec.clusterResourceWhitelist)).toEqual(kinds(false));
      }
      const dev = one(manifests, 'AppProject', 'platform-dev');
      expect(dev.spec.destinations).toEqual([{ namespace: 'shop-dev', server: 'https://kubernetes.default.svc' }]);
      // A folder creates only its own Namespace, named: never another folder's.
      expect(dev.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'shop-dev' }]);
      expect(dev.spec.namespaceResourceWhitelist.map((gk: any) => `${gk.group}/${gk.kind}`)).toEqual(expect.arrayContaining([
        '/ConfigMap', '/Service', 'apps/Deployment', 'argoproj.io/Rollout', 'argoproj.io/AnalysisTemplate', 'autoscaling/HorizontalPodAutoscaler',
      ]));
      expect(JSON.stringify(dev.spec)).not.toContain('shop-prod');
      // tools has no Namespace object: Argo CD creates its namespace, so its project may create that one only.
      expect(one(manifests, 'AppProject', 'platform-tools').spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'tools' }]);
      expect(one(manifests, 'AppProject', 'platform-tools').spec.namespaceResourceWhitelist).toEqual([{ group: '', kind: 'ConfigMap' }]);
    });

    test('THEN only the bootstrap AppProject may manage Argo CD objects, in argocd only', () => {
      const project = one(manifests, 'AppProject', 'platform-argocd');
      expect(project.spec).toEqual(expect.objectContaining({
        sourceRepos: [REPO],
        destinations: [{ namespace: 'argocd', server: 'https://kubernetes.default.svc' }],
        namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }],
      }));
      expect(project.spec.clusterResourceWhitelist).toBeUndefined();
      for (const p of find(manifests, 'AppProject').filter((p) => p.metadata.name !== 'platform-argocd')) {
        expect(JSON.stringify(p.spec.namespaceResourceWhitelist)).not.toMatch(/"Application"|"AppProject"|"ApplicationSet"/);
        expect(p.spec.destinations.map((d: any) => d.namespace)).not.toContain('argocd');
      }
    });

    test('THEN there is one Application per folder, in the folder\'s own project, and each syncs a folder this synth produces', () => {
      const applications = find(manifests, 'Application');
      expect(applications.map((a) => a.spec.source.path).sort()).toEqual(folders.map((f) => `dist/${f}`));
      for (const a of applications) {
        const folder = a.spec.source.path.replace(/^dist\//, '');
        expect(files.has(`${folder}/Kustomization`)).toBe(true);
        expect(a.spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: `dist/${folder}` });
        expect(a.spec.destination.server).toBe('https://kubernetes.default.svc');
        expect(a.spec.project).toBe(`platform-${folder}`);
        const project = one(manifests, 'AppProject', a.spec.project);
        expect(project.spec.destinations).toContainEqual({ server: a.spec.destination.server, namespace: a.spec.destination.namespace });
      }
      expect(application(manifests, 'dev').spec.destination.namespace).toBe('shop-dev');
      expect(application(manifests, 'prod').spec.destination.namespace).toBe('shop-prod');
      expect(application(manifests, 'tools').spec.destination.namespace).toBe('tools');
    });

    test('THEN dev syncs by itself and prunes last; prod and the others wait for a person', () => {
      expect(application(manifests, 'dev').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(application(manifests, 'dev').spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'RespectIgnoreDifferences=true']);
      for (const folder of ['prod', 'tools', 'argocd']) {
        expect(application(manifests, folder).spec.syncPolicy.automated).toBeUndefined();
      }
      expect(application(manifests, 'prod').spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } });
    });

    test('THEN Argo CD creates a namespace only for folders that do not create their own', () => {
      expect(application(manifests, 'tools').spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true']);
      for (const folder of ['dev', 'prod', 'argocd']) {
        expect(application(manifests, folder).spec.syncPolicy.syncOptions ?? []).not.toContain('CreateNamespace=true');
      }
    });

    test('THEN fields that Argo Rollouts and the autoscaler own are ignored, and nothing uses server-side apply', () => {
      const dev = application(manifests, 'dev');
      const selector = '.spec.selector | objects | .[keys[] | select(startswith("rollouts-pod-template"))]';
      const managedBy = '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts';
      expect(dev.spec.ignoreDifferences).toEqual([
        { kind: 'Service', name: 'orders', namespace: 'shop-dev', jsonPointers: [managedBy], jqPathExpressions: [selector] },
        { kind: 'Service', name: 'orders-preview', namespace: 'shop-dev', jsonPointers: [managedBy], jqPathExpressions: [selector] },
        { group: 'argoproj.io', kind: 'Rollout', name: 'orders', namespace: 'shop-dev', jsonPointers: ['/spec/replicas'] },
      ]);
      // The catalog Service (no Rollout) is compared in full.
      expect(JSON.stringify(dev.spec.ignoreDifferences)).not.toContain('"catalog"');
      expect(application(manifests, 'tools').spec.ignoreDifferences).toBeUndefined();
      for (const a of find(manifests, 'Application')) expect(a.spec.syncPolicy.syncOptions ?? []).not.toContain('ServerSideApply=true');
    });

    test('THEN every object passes the schema check', () => {
      for (const m of manifests) expect(validateSchema(m.doc, `${m.file} ${m.doc.kind}`)).toEqual([]);
    });

    test('THEN every object carries its sync wave, and waves never go down within a file', () => {
      const rank: Record<string, number> = {
        ServiceAccount: 0, ConfigMap: 0, PersistentVolumeClaim: 0, Service: 0,
        AnalysisTemplate: 1,
        Deployment: 2, Rollout: 2,
        HorizontalPodAutoscaler: 3, PodDisruptionBudget: 3, Ingress: 3,
      };
      expect(syncWaveOf('ServiceAccount')).toBeLessThan(syncWaveOf('AnalysisTemplate'));
      expect(syncWaveOf('AnalysisTemplate')).toBeLessThan(syncWaveOf('Rollout'));
      expect(syncWaveOf('Deployment')).toBeLessThan(syncWaveOf('HorizontalPodAutoscaler'));
      let checkedAnalysisFile = false;
      for (const [file, content] of files) {
        if (file.endsWith('Kustomization')) continue;
        const docs = YAML.parseAllDocuments(content).map((d) => d.toJS());
        const waves = docs.map((d) => d.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
        for (const [i, w] of waves.entries()) {
          expect(w).toMatch(/^-?\d+$/);
          expect(Number(w)).toBe(syncWaveOf(docs[i].kind));
          if (i > 0) expect(Number(w)).toBeGreaterThanOrEqual(Number(waves[i - 1]));
        }
        const ranks = docs.filter((d) => d.kind in rank).map((d) => rank[d.kind]);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        if (docs.some((d) => d.kind === 'AnalysisTemplate') && docs.some((d) => d.kind === 'HorizontalPodAutoscaler')) checkedAnalysisFile = true;
      }
      expect(checkedAnalysisFile).toBe(true);
    });
  });

  describe('folders and Applications must match', () => {
    test('an Application of a folder that is not synthesized fails the synth, naming the folder', () => {
      const { app } = platform({}, (a) => { new Chart(a, 'empty'); });
      const problems = problemsOf(app);
      expect(problems).toEqual([expect.stringContaining(
        'Application "platform-empty" syncs dist/empty, but this synth produces no folder "empty" (folders: argocd, dev, prod, tools)')]);
    });

    test('a folder created after the bootstrap has no Application: the synth fails', () => {
      const { app } = platform();
      const late = new Chart(app, 'late', { namespace: 'late' });
      new ApiObject(late, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
      expect(problemsOf(app)).toEqual([expect.stringContaining('folder "late" of dist/ has no Application: create the ArgoCdBootstrap after every other chart')]);
    });

    test('a sync policy for a folder that does not exist is refused (typo guard)', () => {
      const { app } = platform({ syncPolicies: { prdo: SyncPolicy.manual() } });
      expect(problemsOf(app)).toEqual([expect.stringContaining('syncPolicies names "prdo", which is not a folder of dist/')]);
    });

    test('a nothing-but-environments chart is not a folder of its own', () => {
      const app = new PlatformApp({ outdir: tempDir() });
      const group = new Chart(app, 'shop');
      new Environment(group, 'qa', { namespace: 'shop-qa' });
      new ArgoCdBootstrap(app, 'argocd', { repoUrl: REPO, selfManaged: false });
      const manifests = app.manifests();
      expect(find(manifests, 'Application').map((a) => a.spec.source.path)).toEqual(['dist/qa']);
      expect(find(manifests, 'AppProject').map((p) => p.metadata.name)).toEqual(['platform-qa']);
    });
  });

  describe('sync policies', () => {
    test('server-side apply is refused for a folder whose Services Argo Rollouts manages', () => {
      const { app } = platform({ syncPolicies: { dev: SyncPolicy.automated({ serverSideApply: true }) } });
      expect(problemsOf(app)).toEqual([expect.stringContaining(
        'folder "dev" uses serverSideApply, but Argo Rollouts manages its Services shop-dev/orders, shop-dev/orders-preview')]);
    });

    test('server-side apply is allowed elsewhere, and retries can be turned off', () => {
      const { app } = platform({ syncPolicies: { tools: SyncPolicy.automated({ serverSideApply: true, retryLimit: 0 }) } });
      const tools = application(app.manifests(), 'tools');
      expect(tools.spec.syncPolicy).toEqual({ automated: { prune: false, selfHeal: false }, syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'] });
    });

    test('the default policy applies to folders that syncPolicies does not name, but the bootstrap always syncs by hand', () => {
      const { app } = platform({ syncPolicies: {}, defaultSyncPolicy: SyncPolicy.automated({ selfHeal: true, retryLimit: 2 }) });
      const applications = find(app.manifests(), 'Application');
      for (const a of applications.filter((a) => a.metadata.name !== 'platform-argocd')) expect(a.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
      const bootstrap = applications.find((a) => a.metadata.name === 'platform-argocd');
      expect(bootstrap.spec.syncPolicy).toEqual({ retry: { limit: 2, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } });
    });

    test('an automated policy for the bootstrap folder is refused', () => {
      expect(() => platform({ syncPolicies: { argocd: SyncPolicy.automated() } })).toThrow(
        'ArgoCdBootstrap "argocd": syncPolicies.argocd must be SyncPolicy.manual(): the folder "argocd" creates AppProjects and Applications, so a person syncs it');
      const { app } = platform({ syncPolicies: { argocd: SyncPolicy.manual({ retryLimit: 0 }) } });
      expect(application(app.manifests(), 'argocd').spec.syncPolicy).toEqual({});
    });
  });

  describe('props', () => {
    test('names, paths and revision are configurable; server is the cluster of folders that are not environments', () => {
      const { app } = platform({ project: 'shop', namespace: 'gitops', path: 'deploy/out', targetRevision: 'release', server: 'https://tools.example.com:6443/', selfManaged: false });
      const manifests = app.manifests();
      expect(find(manifests, 'AppProject').map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['gitops/shop-dev', 'gitops/shop-prod', 'gitops/shop-tools']);
      const dev = one(manifests, 'Application', 'shop-dev');
      expect(dev.spec.source).toEqual({ repoURL: REPO, targetRevision: 'release', path: 'deploy/out/dev' });
      expect(dev.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop-dev' });
      expect(one(manifests, 'Application', 'shop-tools').spec.destination).toEqual({ server: 'https://tools.example.com:6443', namespace: 'tools' });
      expect(one(manifests, 'AppProject', 'shop-tools').spec.destinations).toEqual([{ server: 'https://tools.example.com:6443', namespace: 'tools' }]);
      expect(find(manifests, 'Application')).toHaveLength(3);
    });

    test.each([
      [{ repoUrl: 'https://user:token@github.com/acme/x.git' }, 'repoUrl must not contain credentials'],
      [{ repoUrl: 'github.com/acme/x' }, 'repoUrl must be the URL of the Git repository'],
      [{ targetRevision: 'main branch' }, 'targetRevision must be a branch, tag or commit'],
      [{ path: '../elsewhere' }, 'path must be a folder of the repository'],
      [{ server: 'http://insecure' }, 'server must be the https:// URL'],
      [{ server: 'https://admin:secret@k8s.example.com' }, 'server must not contain credentials'],
      [{ selfManged: false }, 'unknown prop `selfManged`: did you mean `selfManaged`?'],
      [{ project: 'Shop' }, 'project must be a DNS-1123 label'],
      [{ defaultSyncPolicy: SyncPolicy.manual({ retryLimit: -1 }) }, 'retryLimit must be an integer of at least 0, got -1'],
    ])('%j is refused with a clear message', (props, message) => {
      expect(() => platform(props as Partial<ArgoCdBootstrapProps>)).toThrow(message);
      expect(() => platform(props as Partial<ArgoCdBootstrapProps>)).toThrow(/^ArgoCdBootstrap "argocd": /);
    });

    test('it must be a folder of its own, directly in the app', () => {
      const app = new PlatformApp({ outdir: tempDir() });
      const env = new Environment(app, 'dev');
      expect(() => new ArgoCdBootstrap(env, 'argocd', { repoUrl: REPO })).toThrow('ArgoCdBootstrap "argocd": must be created directly in the app');
    });

    test('isArgoCdBootstrap tells it apart from other charts', () => {
      const { app, bootstrap } = platform();
      expect(ArgoCdBootstrap.isArgoCdBootstrap(bootstrap)).toBe(true);
      expect(app.node.children.filter(ArgoCdBootstrap.isArgoCdBootstrap)).toEqual([bootstrap]);
      expect(bootstrap.applications.size).toBe(4);
      expect([...bootstrap.projects.keys()]).toEqual(['argocd', 'dev', 'prod', 'tools']);
      expect(bootstrap.bootstrapProjectName).toBe('platform-argocd');
    });
  });

  test('a failed check is a ValidationError and nothing is written', () => {
    const { app } = platform({}, (a) => { new Chart(a, 'empty'); });
    expect(() => app.synth()).toThrow(ValidationError);
  });
});
