import * as fs from 'fs';
import * as path from 'path';
import { DeployStrategy, Environment, JavaApp, PlatformApp } from '../lib';
import { INVENTORY_FILE, renderInventory } from '../lib/inventory';
import { tempDir } from './support/platform';

/** dist/README.md: what runs where, derived from the synthesized objects of any platform. */
function platform() {
  const app = new PlatformApp({ outdir: tempDir() });
  const staging = new Environment(app, 'staging', { namespace: 'team-a' });
  new JavaApp(staging, 'billing', { image: 'registry.example.com/billing:7.1.0', autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 60 }, ingress: { host: 'billing.example.com' } });
  new JavaApp(staging, 'ledger', { image: 'registry.example.com/ledger@sha256:' + 'a'.repeat(64), replicas: 3, strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'ledger-preview.example.com' } }), ingress: { host: 'ledger.example.com', path: '/v1' } });
  new JavaApp(staging, 'worker', { image: 'registry.example.com/worker:1.0.0', replicas: 1, strategy: DeployStrategy.canary() });
  return app;
}

const rowOf = (page: string, app: string) => page.split('\n').find((l) => l.startsWith(`| ${app} |`))!.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));

describe('the inventory page', () => {
  const app = platform();
  const page = app.outputFiles().get(INVENTORY_FILE)!;
  const docs = app.manifests().map((m) => m.doc);

  test('is part of the output, rendered from the manifests', () => {
    expect(page).toBe(renderInventory(app.manifests()));
    // Next to the manifests, not among them: kustomize and Argo CD read the folders only.
    expect([...app.outputFiles().keys()]).toEqual([...app.files().keys(), INVENTORY_FILE].sort());
    expect(page).toMatch(/^# What runs where\n/);
    expect(page).toContain('## staging\n\nNamespace `team-a`: 3 apps,');
  });

  test('one row per app: image and version from the pod template, strategy, replicas or the HPA range, hosts', () => {
    for (const name of ['billing', 'ledger', 'worker']) {
      const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name);
      const [, image, version] = rowOf(page, name);
      expect(image).toBe(`\`${deployment.spec.template.spec.containers[0].image}\``);
      expect(version).toBe(deployment.spec.template.metadata.labels['app.kubernetes.io/version']);
    }
    expect(rowOf(page, 'billing').slice(3)).toEqual(['rolling update', '2-6 (autoscaled, CPU 60%)', 'billing.example.com']);
    expect(rowOf(page, 'ledger').slice(3)).toEqual(['blue-green (manual promotion)', '3', 'ledger.example.com/v1<br>ledger-preview.example.com (preview)']);
    expect(rowOf(page, 'worker').slice(3)).toEqual(['canary (4 steps, pod count)', '1', '']);
    expect(rowOf(page, 'ledger')[2]).toBe('a'.repeat(12));
  });

  test('a Mermaid flowchart per environment: every edge joins declared nodes; each host reaches its workload', () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(page)![1].trim().split('\n');
    expect(block[0]).toBe('flowchart LR');
    const nodes = new Map<string, string>();
    const edges: [string, string, string][] = [];
    for (const line of block.slice(1).map((l) => l.trim())) {
      const n = /^(n\d+)(\[\[|\(\[|\[)"([^"]*)"(\]\]|\]\)|\])$/.exec(line);
      const e = /^(n\d+) (?:--> |-- (\w+) --> |-\. (\w+(?: \w+)?) \.-> )(n\d+)$/.exec(line);
      if (n) nodes.set(n[1], n[3]);
      else if (e) edges.push([e[1], e[4], e[2] ?? e[3] ?? '']);
      else throw new Error(`not a node or an edge: ${line}`);
    }
    for (const [from, to] of edges) expect([nodes.has(from), nodes.has(to)]).toEqual([true, true]);
    const reach = (from: string): string[] => [from, ...edges.filter(([f, , label]) => f === from && label !== 'workloadRef').flatMap(([, t]) => reach(t))];
    const ingress = [...nodes].find(([, label]) => label.startsWith('Ingress ledger-preview<br>'))![0];
    expect(reach(ingress).map((id) => nodes.get(id))).toEqual(['Ingress ledger-preview<br>ledger-preview.example.com', 'Service ledger-preview', expect.stringMatching(/^Rollout ledger<br>registry\.example\.com\/ledger@sha256:a+$/)]);
    expect(edges.filter(([, , label]) => label).map(([, , label]) => label).sort()).toEqual(['active', 'canary', 'preview', 'workloadRef', 'workloadRef']);
    // A canary without traffic routing: the app's own Service reaches both versions, an unlabelled edge.
    expect(edges.some(([f, t, label]) => nodes.get(f) === 'Service worker' && nodes.get(t)!.startsWith('Rollout worker') && label === '')).toBe(true);
  });

  test('the committed dist/README.md is the sample\'s page (the drift gate holds it)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'dist', INVENTORY_FILE), 'utf8');
    for (const env of ['dev', 'prod']) {
      const images = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'releases', `${env}.json`), 'utf8')) as Record<string, string>;
      for (const [name, image] of Object.entries(images)) {
        const section = committed.slice(committed.indexOf(`## ${env}\n`));
        expect(rowOf(section, name)[1]).toBe(`\`${image}\``);
      }
    }
  });
});
