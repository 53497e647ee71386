import { Chart, Duration } from 'cdk8s';
import {
  AnalysisMetric, AnalysisTemplate, ArgoCdBootstrap, BlueGreenRollout, CanaryRollout, CanaryStep, CanaryTrafficRouting, ConfigError,
  DeployStrategy, Environment, HealthProbe, JavaApp, PipelineTemplate, PlatformApp, PropError, SyncPolicy,
} from '../lib';
import { ObjectSchema } from '../lib/props/schema';
import * as S from '../lib';
import { tempDir } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const metric = () => AnalysisMetric.prometheus({ name: 'm', address: 'http://p:9090', query: 'up', successCondition: 'true' });
const env = () => new Environment(new PlatformApp({ outdir: tempDir() }), 'dev');
const app = () => new JavaApp(env(), 'orders', { image: IMAGE });

/** Every constructor and factory that takes props: its schema, valid props, the call, and the error type. */
const entries: [string, ObjectSchema, Record<string, unknown>, (props: any) => unknown, Function][] = [
  ['JavaApp', S.JavaAppPropsSchema, { image: IMAGE }, (p) => new JavaApp(env(), 'orders', p), PropError],
  ['BlueGreenRollout', S.BlueGreenRolloutPropsSchema, {}, (p) => new BlueGreenRollout(env(), 'bg', { workload: app(), ...p }), PropError],
  ['CanaryRollout', S.CanaryRolloutPropsSchema, {}, (p) => new CanaryRollout(env(), 'canary', { workload: app(), ...p }), PropError],
  ['AnalysisTemplate', S.AnalysisTemplatePropsSchema, {}, (p) => new AnalysisTemplate(env(), 'a', { metrics: [metric()], ...p }), PropError],
  ['AnalysisTemplate.successRate', S.SuccessRateOptionsSchema, { prometheusAddress: 'http://p:9090' }, (p) => AnalysisTemplate.successRate(env(), 'a', p), PropError],
  ['AnalysisTemplate.latency', S.LatencyOptionsSchema, { prometheusAddress: 'http://p:9090' }, (p) => AnalysisTemplate.latency(env(), 'a', p), PropError],
  ['AnalysisTemplate.web', S.WebCheckOptionsSchema, {}, (p) => AnalysisTemplate.web(env(), 'a', p), PropError],
  ['AnalysisMetric.prometheus', S.PrometheusMetricOptionsSchema, { name: 'm', address: 'http://p:9090', query: 'up', successCondition: 'true' }, (p) => AnalysisMetric.prometheus(p), ConfigError],
  ['AnalysisMetric.web', S.WebMetricOptionsSchema, { name: 'm', url: 'http://x', successCondition: 'true' }, (p) => AnalysisMetric.web(p), ConfigError],
  ['Environment', S.EnvironmentPropsSchema, {}, (p) => new Environment(new PlatformApp({ outdir: tempDir() }), 'dev', p), PropError],
  ['PlatformApp', S.PlatformAppPropsSchema, {}, (p) => new PlatformApp(p), ConfigError],
  ['ArgoCdBootstrap', S.ArgoCdBootstrapPropsSchema, { repoUrl: 'https://example.com/x.git' }, (p) => new ArgoCdBootstrap(new PlatformApp({ outdir: tempDir() }), 'argocd', p), PropError],
  ['PipelineTemplate', S.PipelineTemplatePropsSchema, { gitopsRepo: 'https://example.com/x.git' }, (p) => new PipelineTemplate(new Chart(new PlatformApp({ outdir: tempDir() }), 'ci'), 'pipeline', p), PropError],
  ['DeployStrategy.rollingUpdate', S.RollingUpdateOptionsSchema, {}, (p) => DeployStrategy.rollingUpdate(p), ConfigError],
  ['DeployStrategy.blueGreen', S.BlueGreenRolloutOptionsSchema, {}, (p) => DeployStrategy.blueGreen(p), ConfigError],
  ['DeployStrategy.canary', S.CanaryRolloutOptionsSchema, {}, (p) => DeployStrategy.canary(p), ConfigError],
  ['HealthProbe.httpGet', S.HealthProbeOptionsSchema, {}, (p) => HealthProbe.httpGet('/health', p), ConfigError],
  ['HealthProbe.tcpSocket', S.HealthProbeOptionsSchema, {}, (p) => HealthProbe.tcpSocket(p), ConfigError],
  ['HealthProbe.exec', S.HealthProbeOptionsSchema, {}, (p) => HealthProbe.exec(['true'], p), ConfigError],
  ['SyncPolicy.automated', S.AutomatedSyncOptionsSchema, {}, (p) => SyncPolicy.automated(p), ConfigError],
  ['SyncPolicy.manual', S.SyncPolicyOptionsSchema, {}, (p) => SyncPolicy.manual(p), ConfigError],
  ['CanaryStep.analysis', S.RolloutAnalysisSchema, { templates: ['t'] }, (p) => CanaryStep.analysis(p), ConfigError],
  ['CanaryStep.setCanaryScale', S.SetCanaryScaleOptionsSchema, {}, (p) => CanaryStep.setCanaryScale(p), ConfigError],
  ['CanaryTrafficRouting.nginx', S.NginxTrafficRoutingOptionsSchema, {}, (p) => CanaryTrafficRouting.nginx(p), ConfigError],
];

/** The error `call` throws, or undefined. */
function thrown(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

/** A typo of `key`: its last letter dropped (`replica` for `replicas`), or doubled when short. */
const typo = (key: string) => (key.length > 4 ? key.slice(0, -1) : `${key}${key.slice(-1)}`);
const WRONG: Record<string, [unknown, string]> = {
  number: ['8080', 'expected a number, got the string "8080"'],
  string: [8080, 'expected a string, got the number 8080'],
  boolean: ['true', 'expected a boolean, got the string "true"'],
};

describe.each(entries)('%s', (name, schema, valid, call, errorType) => {
  test('accepts its valid props', () => {
    expect(thrown(() => call(valid))).toBeUndefined();
  });

  test.each(Object.keys(schema.fields).filter((k) => k !== 'workload'))('a misspelled %s is refused, naming the prop it resembles', (key) => {
    const { [key]: _dropped, ...rest } = valid;
    const error = thrown(() => call({ ...rest, ...(schema.fields[key].required ? { [key]: valid[key] } : {}), [typo(key)]: valid[key] ?? 1 }));
    expect(error).toBeInstanceOf(errorType);
    expect(error!.message).toContain(`unknown prop \`${typo(key)}\`: did you mean \`${key}\`?`);
    // Constructs are named with their id (`JavaApp "orders": ...`), factories by their call (`HealthProbe.httpGet: ...`).
    expect(error!.message.startsWith(error instanceof PropError ? `${name.split('.')[0]} "` : `${name}: `)).toBe(true);
  });

  const primitives = Object.entries(schema.fields).filter(([, f]) => f.type.kind in WRONG);
  if (primitives.length) {
    test.each(primitives.map(([k, f]) => [k, f.type.kind]))('%s of the wrong type (%s expected) is refused, naming both types', (key, kind) => {
      const [value, message] = WRONG[kind];
      const error = thrown(() => call({ ...valid, [key]: value }));
      expect(error).toBeInstanceOf(errorType);
      // A quantity prop answers a number with its written form (`memoryLimit: 512` -> '512Mi').
      const unit = (schema.fields[key].type as { unit?: string }).unit;
      expect(error!.message).toContain(unit ? `${key}: expected a quantity as a string with its unit, got the number 8080: write '` : `${key}: ${message}`);
    });
  }
});

describe('nested options and the messages users meet', () => {
  test('replica: 3 names replicas; tlsSecret names ingress.tlsSecretName', () => {
    expect(thrown(() => new JavaApp(env(), 'orders', { image: IMAGE, replica: 3 } as any))!.message)
      .toBe('JavaApp "orders": unknown prop `replica`: did you mean `replicas`?');
    expect(thrown(() => new JavaApp(env(), 'orders', { image: IMAGE, ingress: { host: 'orders.example.com', tlsSecret: 'tls' } } as any))!.message)
      .toBe('JavaApp "orders": unknown prop `ingress.tlsSecret`: did you mean `ingress.tlsSecretName`?');
  });

  test("port: '8080' says the type, not the range", () => {
    expect(thrown(() => new JavaApp(env(), 'orders', { image: IMAGE, port: '8080' } as any))!.message)
      .toBe('JavaApp "orders": port: expected a number, got the string "8080"');
  });

  test('nested objects, lists, records, instances and enums are checked too', () => {
    const msg = (props: object) => thrown(() => new JavaApp(env(), 'orders', { image: IMAGE, ...props } as any))?.message;
    expect(msg({ autoscaling: { maxReplicas: '3' } })).toContain('autoscaling.maxReplicas: expected a number, got the string "3"');
    expect(msg({ autoscaling: {} })).toContain('`autoscaling.maxReplicas` is required');
    expect(msg({ springProfiles: 'prod' })).toContain('springProfiles: expected a list, got the string "prod"');
    expect(msg({ springProfiles: ['prod', 1] })).toContain('springProfiles[1]: expected a string, got the number 1');
    expect(msg({ env: { A: 1 } })).toContain('env["A"]: expected a string, got the number 1');
    expect(msg({ readinessProbe: { path: '/ready' } })).toContain('readinessProbe: expected a HealthProbe, got an object');
    expect(msg({ preStopDelay: 10 })).toContain('preStopDelay: expected a Duration, got the number 10');
    expect(msg({ storage: { size: '1Gi', accessMode: 'RWX' } })).toContain('storage.accessMode: expected AccessMode.READ_WRITE_ONCE or AccessMode.READ_WRITE_MANY, got the string "RWX"');
    expect(msg({ strategy: DeployStrategy.blueGreen(), shutdownTimeout: Duration.seconds(5) })).toBeUndefined();
    expect(thrown(() => DeployStrategy.blueGreen({ previewIngress: { host: 'x.example.com', tls: 'x' } } as any))!.message)
      .toBe('DeployStrategy.blueGreen: unknown prop `previewIngress.tls`: did you mean `previewIngress.tlsSecretName`?');
  });

  test('a name far from every prop lists the known ones', () => {
    const known = Object.keys(S.EnvironmentPropsSchema.fields).map((k) => `\`${k}\``).join(', ');
    expect(thrown(() => new Environment(new PlatformApp({ outdir: tempDir() }), 'dev', { zzz: 'x' } as any))!.message)
      .toBe(`Environment "dev": unknown prop \`zzz\`: EnvironmentProps has ${known}`);
  });

  test('every mistake in one message', () => {
    expect(thrown(() => new JavaApp(env(), 'orders', { image: IMAGE, replica: 3, port: '1' } as any))!.message)
      .toBe('JavaApp "orders": unknown prop `replica`: did you mean `replicas`?; port: expected a number, got the string "1"');
  });
});
