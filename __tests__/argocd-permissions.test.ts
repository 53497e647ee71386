import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AccessMode, ArgoCdBootstrap, DeployStrategy, Environment, JavaApp, Manifest, PlatformApp, SyncPolicy } from '../lib';
import { isNamespaced } from '../lib/validate/schema';
import { tempDir } from './support/platform';

/**
 * Argo CD's own permission check of a sync, replayed on the synthesized objects: Argo CD v3.5.1
 * `validateSyncPermissions` (controller/sync.go) calls `AppProject.IsGroupKindNamePermitted`
 * (a nil namespaced whitelist allows every kind, an empty one none; cluster-scoped kinds need a
 * whitelist entry whose optional name matches, `isNamedResourceInList`) and, for namespaced objects
 * only, `IsDestinationPermitted` against the Application's server. Patterns are Go
 * `filepath.Match` globs.
 */
function glob(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(value);
}
function inList(list: any[] | undefined, group: string, kind: string, name?: string): boolean {
  return (list ?? []).some((i) => glob(i.kind, kind) && glob(i.group, group) && (name === undefined || !i.name || glob(i.name, name)));
}
function permitted(project: any, server: string, doc: any): boolean {
  const group = doc.apiVersion.includes('/') ? doc.apiVersion.split('/')[0] : '';
  const spec = project.spec;
  if (isNamespaced(doc.apiVersion, doc.kind) !== false) {
    const white = spec.namespaceResourceWhitelist;
    const kindOk = (white === undefined || (white.length > 0 && inList(white, group, doc.kind))) && !inList(spec.namespaceResourceBlacklist, group, doc.kind);
    return kindOk && (spec.destinations ?? []).some((d: any) => glob(d.server, server) && glob(d.namespace, doc.metadata.namespace));
  }
  const named = (list: any[] | undefined) => (list ?? []).some((i) => glob(i.kind, doc.kind) && glob(i.group, group) && (!i.name || glob(i.name, doc.metadata.name)));
  return named(spec.clusterResourceWhitelist) && !named(spec.clusterResourceBlacklist);
}

/** For each Application: every object of its folder passes its project; no object of another folder's namespaces does. */
function checkIsolation(manifests: Manifest[]): { allowed: number; refused: number } {
  const apps = manifests.filter((m) => m.doc.kind === 'Application').map((m) => m.doc);
  const projects = new Map(manifests.filter((m) => m.doc.kind === 'AppProject').map((m) => [m.doc.metadata.name, m.doc]));
  const folderOf = (m: Manifest) => m.file.split('/')[0];
  let allowed = 0;
  let refused = 0;
  expect(apps.length).toBeGreaterThan(2);
  for (const app of apps) {
    const folder = app.spec.source.path.split('/').pop();
    const project = projects.get(app.spec.project);
    const server = app.spec.destination.server;
    const own = manifests.filter((m) => folderOf(m) === folder);
    const ownNamespaces = new Set(own.map((m) => m.doc.metadata.namespace ?? (m.doc.kind === 'Namespace' ? m.doc.metadata.name : undefined)));
    for (const m of own) {
      expect([app.metadata.name, m.file, m.doc.kind, m.doc.metadata.name, permitted(project, server, m.doc)]).toEqual([app.metadata.name, m.file, m.doc.kind, m.doc.metadata.name, true]);
      allowed++;
    }
    if (app.spec.syncPolicy?.syncOptions?.includes('CreateNamespace=true')) {
      expect(permitted(project, server, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: app.spec.destination.namespace } })).toBe(true);
    }
    // What this folder could do if someone copied another folder's objects into it.
    for (const m of manifests.filter((o) => folderOf(o) !== folder)) {
      const target = m.doc.metadata.namespace ?? (m.doc.kind === 'Namespace' ? m.doc.metadata.name : undefined);
      if (target !== undefined && ownNamespaces.has(target)) continue;
      expect([app.metadata.name, m.file, m.doc.kind, m.doc.metadata.name, permitted(project, server, m.doc)]).toEqual([app.metadata.name, m.file, m.doc.kind, m.doc.metadata.name, false]);
      refused++;
    }
  }
  return { allowed, refused };
}

describe('Argo CD\'s permission check on the generated projects', () => {
  test('the sample (committed dist/): each folder syncs, and reaches nothing of another folder', () => {
    const dist = path.join(__dirname, '..', 'dist');
    const manifests: Manifest[] = fs.readdirSync(dist, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).flatMap((folder) => fs.readdirSync(path.join(dist, folder))
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dist, folder, f), 'utf8')).map((d) => ({ file: `${folder}/${f}`, doc: d.toJS() }))));
    const { allowed, refused } = checkIsolation(manifests);
    expect(allowed).toBe(manifests.length);
    expect(refused).toBeGreaterThan(manifests.length);
  });

  test('three clusters, a pipeline chart with a cluster-scoped object, and a kind only one folder has', () => {
    const app = new PlatformApp({ outdir: tempDir() });
    const clusters = [undefined, { name: 'prod-eu-1', server: 'https://prod-eu-1.k8s.example.com' }, { name: 'prod-us-1', server: 'https://prod-us-1.k8s.example.com' }];
    for (const [i, cluster] of clusters.entries()) {
      const env = new Environment(app, ['dev', 'prod-eu', 'prod-us'][i], { namespace: i === 0 ? 'shop-dev' : 'shop-prod', ...(cluster ? { cluster } : {}) });
      new JavaApp(env, 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2', strategy: DeployStrategy.blueGreen(), storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY } });
      if (i === 2) new ApiObject(env, 'limits', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' } }] } });
    }
    const ci = new Chart(app, 'ci', { namespace: 'argo', disableResourceNameHashes: true });
    new ApiObject(ci, 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'ci-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] });
    new ApiObject(ci, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    new ArgoCdBootstrap(app, 'argocd', { repoUrl: 'https://github.com/acme-shop/platform-gitops.git', syncPolicies: { dev: SyncPolicy.automated({ prune: true }) } });
    const manifests = app.manifests();
    const { allowed, refused } = checkIsolation(manifests);
    expect(allowed).toBe(manifests.length);
    expect(refused).toBeGreaterThan(0);
    const project = (name: string) => manifests.find((m) => m.doc.kind === 'AppProject' && m.doc.metadata.name === name)!.doc;
    // The LimitRange of prod-us is in its project only; the ClusterRole in the pipeline's, by name.
    expect(JSON.stringify(project('platform-prod-us').spec.namespaceResourceWhitelist)).toContain('LimitRange');
    expect(JSON.stringify(project('platform-prod-eu').spec.namespaceResourceWhitelist)).not.toContain('LimitRange');
    expect(project('platform-ci').spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'argo' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ci-reader' },
    ]);
  });
});
