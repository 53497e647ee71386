import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessMode, DeployStrategy, Environment, JavaApp, JavaAppProps, SecretRef } from '../lib';

/** How the benchmark's apps are arranged in charts. */
export type Layout = 'environment' | 'chart-per-app';

const ENVIRONMENTS = ['dev', 'prod'];

/** Props of the i-th realistic app: a mix of blue-green, HPA, PDB, Ingress, ConfigMap, PVC and secrets. */
export function appProps(i: number, env: string): JavaAppProps {
  const name = appName(i);
  return {
    image: `registry.example.com/team-${i % 17}/${name}:1.${i % 10}.${i % 7}`,
    replicas: env === 'prod' ? 3 : 1,
    memoryLimit: env === 'prod' ? '2Gi' : '1Gi',
    springProfiles: [env],
    env: { FEATURE_FLAGS: `f${i % 5}` },
    applicationConfig: `spring:\n  application:\n    name: ${name}\nserver:\n  tomcat:\n    threads:\n      max: ${50 + (i % 50)}\n`,
    secrets: [SecretRef.env('SPRING_DATASOURCE_PASSWORD', `${name}-db`, 'password')],
    ingress: { host: `${name}.${env}.example.com`, tlsSecretName: `${name}-tls` },
    autoscaling: i % 2 === 0 ? { maxReplicas: env === 'prod' ? 10 : 3 } : undefined,
    storage: i % 5 === 0 ? { size: '5Gi', accessMode: AccessMode.READ_WRITE_MANY } : undefined,
    networkPolicy: { allowFromApps: [appName((i + 1) % 1000)] },
    strategy: i % 3 === 0 ? DeployStrategy.rollingUpdate() : DeployStrategy.blueGreen({ previewReplicaCount: 1 }),
  };
}

export function appName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** Declares `count` apps in both environments under `app` through this project's constructs. */
export function declarePlatform(app: App, count: number, layout: Layout): void {
  for (const env of ENVIRONMENTS) {
    const environment = new Environment(app, env, { namespace: `apps-${env}` });
    for (let i = 0; i < count; i++) {
      const scope: Construct = layout === 'chart-per-app' ? new Chart(environment, appName(i)) : environment;
      new JavaApp(scope, appName(i), appProps(i, env));
    }
  }
}

/** The same apps as plain cdk8s does it: one Chart per app and environment, synthesized by App.synth(). */
export function declarePlainCdk8s(app: App, count: number): void {
  for (const env of ENVIRONMENTS) {
    for (let i = 0; i < count; i++) {
      const chart = new Chart(app, `${env}-${appName(i)}`, { namespace: `apps-${env}`, disableResourceNameHashes: true });
      new JavaApp(chart, appName(i), appProps(i, env));
    }
  }
}
