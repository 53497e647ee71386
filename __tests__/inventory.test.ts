import * as fs from 'fs';
import * as path from 'path';
import { DeployStrategy, Environment, JavaApp, PlatformApp } from '../lib';
import { INVENTORY_FILE, renderInventory } from '../lib/synth/inventory';
import { tempDir } from './support/platform';

/** dist/README.md and dist/<folder>/README.md: what runs where, derived from the synthesized objects of any platform. */
function platform() {
  const app = new PlatformApp({ outdir: tempDir() });
  const staging = new Environment(app, 'staging', { namespace: 'team-a' });
  new JavaApp(staging, 'billing', { image: 'registry.example.com/billing:7.1.0', autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 60 }, ingress: { host: 'billing.example.com' } });
  new JavaApp(staging, 'ledger', { image: 'registry.example.com/ledger@sha256:' + 'a'.repeat(64), replicas: 3, strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'ledger-preview.example.com' } }), ingress: { host: 'ledger.example.com', path: '/v1' } });
  new JavaApp(staging, 'worker', { image: 'registry.example.com/worker:1.0.0', replicas: 1, strategy: DeployStrategy.canary() });
  return app;
}

const rowOf = (page: string, app: string) => page.split('\n').find((l) => l.startsWith(`| ${app} |`))!.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));

describe('the inventory pages', () => {
  let app: PlatformApp;
  let page: string;
  let index: string;
  let docs: any[];
  beforeAll(() => {
    app = platform();
    index = app.outputFiles().get(INVENTORY_FILE)!;
    page = app.outputFiles().get(`staging/${INVENTORY_FILE}`)!;
    docs = app.manifests().map((m) => m.doc);
  });

  test('are part of the output, rendered from the manifests', () => {
    expect(renderInventory(app.manifests())).toEqual(new Map([[INVENTORY_FILE, index], [`staging/${INVENTORY_FILE}`, page]]));
    // Next to the manifests, not among them: the Kustomization lists only the YAML files.
    expect([...app.outputFiles().keys()]).toEqual([...app.files().keys(), INVENTORY_FILE, `staging/${INVENTORY_FILE}`].sort());
    expect(app.files().get('staging/Kustomization')).not.toContain(INVENTORY_FILE);
    expect(index).toMatch(/^# What runs where\n/);
    expect(index).toContain('| [`staging/`](staging/README.md) | `team-a` | billing (rolling update)<br>ledger (blue-green (manual promotion))<br>worker (canary (4 steps, pod count)) |');
    expect(page).toMatch(/^# What runs in staging\n/);
    expect(page).toContain('Namespace `team-a`: 3 apps,');
  });

  test('a new image changes the folder\'s page only, never the index (a deploy commits releases/<env>.json and dist/<env>/ alone)', () => {
    const bumped = new PlatformApp({ outdir: tempDir() });
    const staging = new Environment(bumped, 'staging', { namespace: 'team-a' });
    new JavaApp(staging, 'billing', { image: 'registry.example.com/billing:7.2.0', autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 60 }, ingress: { host: 'billing.example.com' } });
    new JavaApp(staging, 'ledger', { image: 'registry.example.com/ledger@sha256:' + 'a'.repeat(64), replicas: 3, strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'ledger-preview.example.com' } }), ingress: { host: 'ledger.example.com', path: '/v1' } });
    new JavaApp(staging, 'worker', { image: 'registry.example.com/worker:1.0.0', replicas: 1, strategy: DeployStrategy.canary() });
    const after = bumped.outputFiles();
    expect(after.get(INVENTORY_FILE)).toBe(index);
    expect(after.get(`staging/${INVENTORY_FILE}`)).not.toBe(page);
    expect(rowOf(after.get(`staging/${INVENTORY_FILE}`)!, 'billing')[1]).toBe('`registry.example.com/billing:7.2.0`');
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

  test('the committed dist/<env>/README.md are the sample\'s pages (the drift gate holds them)', () => {
    const committedIndex = fs.readFileSync(path.join(__dirname, '..', 'dist', INVENTORY_FILE), 'utf8');
    for (const env of ['dev', 'prod']) {
      expect(committedIndex).toContain(`| [\`${env}/\`](${env}/README.md) |`);
      const committed = fs.readFileSync(path.join(__dirname, '..', 'dist', env, INVENTORY_FILE), 'utf8');
      const images = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'releases', `${env}.json`), 'utf8')) as Record<string, string>;
      for (const [name, image] of Object.entries(images)) expect(rowOf(committed, name)[1]).toBe(`\`${image}\``);
    }
  });
});
