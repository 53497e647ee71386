import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { AccessMode, JavaApp } from '../lib';
import { SYNC_OPTIONS_ANNOTATION, syncOptionsOf } from '../lib/platform/platform-app';
import { find, platform } from './support/platform';

const RETAIN = 'Prune=false,Delete=false';

describe('PersistentVolumeClaims and Namespaces are never pruned or deleted by a sync', () => {
  test('GIVEN an environment, an app with storage and plain cdk8s objects THEN every claim and namespace carries Prune=false,Delete=false, nothing else does', () => {
    const { app, env } = platform();
    new JavaApp(env, 'catalog', { image: 'ghcr.io/acme-shop/catalog:2.3.1', storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY } });
    const plain = new Chart(app, 'plain', { namespace: 'plain', disableResourceNameHashes: true });
    new k8s.KubeNamespace(plain, 'ns', { metadata: { name: 'plain' } });
    new k8s.KubePersistentVolumeClaim(plain, 'scratch', {
      metadata: { name: 'scratch', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=true, Prune=true,Delete=confirm' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
    });
    new ApiObject(plain, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'Prune=false' } } });
    const manifests = app.manifests();
    const options = (kind: string, name: string) => find(manifests, kind, name)[0].metadata.annotations[SYNC_OPTIONS_ANNOTATION];

    expect(options('Namespace', 'shop-dev')).toBe(RETAIN);
    expect(options('PersistentVolumeClaim', 'catalog-data')).toBe(RETAIN);
    expect(options('Namespace', 'plain')).toBe(RETAIN);
    // Other options stay; a Prune or Delete that would let a sync remove the claim gives way.
    expect(options('PersistentVolumeClaim', 'scratch')).toBe(`ServerSideApply=true,${RETAIN}`);
    // Only these kinds: a user's own option on another object is left as it is.
    expect(options('ConfigMap', 'cm')).toBe('Prune=false');
    for (const m of manifests.filter((m) => !['Namespace', 'PersistentVolumeClaim', 'ConfigMap'].includes(m.doc.kind))) {
      expect(m.doc.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
    }
  });

  test('only the core kinds: a custom resource that happens to be called Namespace is not touched', () => {
    expect(syncOptionsOf('example.com/v1', 'Namespace', undefined)).toBeUndefined();
    expect(syncOptionsOf('v1', 'Namespace', undefined)).toBe(RETAIN);
    expect(syncOptionsOf('v1', 'PersistentVolumeClaim', ' Validate=false ,, ')).toBe(`Validate=false,${RETAIN}`);
    expect(syncOptionsOf('v1', 'Service', 'Prune=true')).toBe('Prune=true');
  });

  test('the committed dist/ holds it on every claim and namespace of every environment', () => {
    const dist = path.join(__dirname, '..', 'dist');
    let seen = 0;
    for (const folder of fs.readdirSync(dist, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
      for (const file of fs.readdirSync(path.join(dist, folder)).filter((f) => f.endsWith('.yaml'))) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dist, folder, file), 'utf8')).map((d) => d.toJS())) {
          if (doc.apiVersion !== 'v1' || !['Namespace', 'PersistentVolumeClaim'].includes(doc.kind)) continue;
          expect([`${folder}/${file} ${doc.kind} ${doc.metadata.name}`, doc.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]])
            .toEqual([`${folder}/${file} ${doc.kind} ${doc.metadata.name}`, RETAIN]);
          seen++;
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(4);
  });
});
