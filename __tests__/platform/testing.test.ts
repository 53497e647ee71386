import { Testing } from 'cdk8s';
import * as path from 'path';
import { DeployStrategy, Environment, JavaApp, PlatformTesting, PropError, syncWaveOf } from '../../lib';
import { readFiles } from '../../lib/synth/synth-report';
import * as YAML from 'yaml';

/** The README's "Testing your app" recipe: PlatformTesting returns exactly what lands in dist/. */
describe('PlatformTesting', () => {
  // GIVEN an app as a team would declare it
  const app = PlatformTesting.app();
  const env = new Environment(app, 'dev', { namespace: 'shop-dev' });
  new JavaApp(env, 'payments', { image: 'ghcr.io/acme-shop/payments:0.1.0', replicas: 2, strategy: DeployStrategy.blueGreen(), ingress: { host: 'payments.example.com' } });

  test('synth() is the YAML the synth writes, read back, file by file', () => {
    const objects = PlatformTesting.synth(app);
    app.synth();
    const written = readFiles(app.outdir);
    const expected = Object.fromEntries([...written].filter(([f]) => f.endsWith('.yaml')).map(([f, text]) => [f, YAML.parseAllDocuments(text).map((d) => d.toJS())]));
    expect(objects).toEqual(expected);
    expect(path.resolve(app.outdir)).not.toBe(path.resolve('dist'));
  });

  test('sync waves included, which cdk8s Testing.synth does not add', () => {
    const rollout = PlatformTesting.find(app, 'Rollout', 'payments');
    expect(rollout.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('2');
    const docs = PlatformTesting.objects(app, 'dev/payments.yaml');
    expect(docs.map((d) => d.metadata.annotations['argocd.argoproj.io/sync-wave'])).toEqual(docs.map((d) => String(syncWaveOf(d.kind))));
    expect(new Set(docs.map((d) => d.kind))).toEqual(new Set(['ServiceAccount', 'Service', 'ServiceMonitor', 'Deployment', 'Rollout', 'Ingress', 'PodDisruptionBudget', 'NetworkPolicy']));
    const plain = Testing.synth(env);
    expect(plain.find((d: any) => d.kind === 'Rollout').metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  test('an invalid app throws the synth\'s own error', () => {
    const bad = PlatformTesting.app();
    expect(() => new JavaApp(new Environment(bad, 'dev'), 'payments', { image: 'x/y:1', replica: 2 } as any)).toThrow(PropError);
    expect(() => PlatformTesting.objects(app, 'dev/nope.yaml')).toThrow('no file dev/nope.yaml in the output: it has ');
  });
});
