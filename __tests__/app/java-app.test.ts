import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-27';
import { AccessMode, AnalysisTemplate, DeployStrategy, HealthProbe, JavaApp, JavaAppProps, PolicyException, SecretRef } from '../../lib';
import { admits, Pod } from '../support/network-policy';
import { find, one, platform } from '../support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

/** GIVEN a JavaApp with props in environment dev; WHEN synthesized through the gate; THEN its manifests. */
function synth(props: Partial<JavaAppProps> = {}, name = 'orders') {
  const { app, env } = platform();
  new JavaApp(env, name, { image: IMAGE, ...props });
  return app.manifests();
}

function container(manifests: ReturnType<typeof synth>): any {
  return one(manifests, 'Deployment').spec.template.spec.containers[0];
}

function envOf(c: any): Record<string, any> {
  return Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('JavaApp defaults', () => {
  let manifests: ReturnType<typeof synth>;
  let deployment: any;
  let pod: any;
  let c: any;
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => {
    if (manifests) return;
    manifests = synth();
    deployment = one(manifests, 'Deployment', 'orders');
    pod = deployment.spec.template.spec;
    c = pod.containers[0];
  });

  test('Deployment and Service take the app name, in the environment namespace', () => {
    expect(deployment.metadata).toMatchObject({ name: 'orders', namespace: 'shop-dev' });
    expect(one(manifests, 'Service', 'orders').metadata.namespace).toBe('shop-dev');
    for (const m of manifests) {
      if (m.doc.kind !== 'Namespace') expect(m.doc.metadata.namespace).toBe('shop-dev');
    }
  });

  test('two replicas with a rolling update that never loses capacity', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  test('port 8080 behind a ClusterIP Service on port 80; the actuator on its own management port 8081', () => {
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'management', containerPort: 8081, protocol: 'TCP' }]);
    expect(envOf(c).MANAGEMENT_SERVER_PORT).toBe('8081');
    const svc = one(manifests, 'Service', 'orders');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'management', port: 8081, targetPort: 'management', protocol: 'TCP' },
    ]);
  });

  test('requests and limits, memory request equal to the limit, heap following the limit', () => {
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(envOf(c).JAVA_TOOL_OPTIONS).toContain('-XX:MaxRAMPercentage=75.0');
  });

  test('probes on the Spring Boot actuator health groups', () => {
    expect(c.startupProbe.httpGet).toEqual({ path: '/actuator/health/liveness', port: 8081 });
    expect(c.livenessProbe.httpGet.port).toBe(8081);
    expect(c.readinessProbe.httpGet.port).toBe(8081);
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
    expect(c.livenessProbe.httpGet.path).toBe('/actuator/health/liveness');
    expect(c.readinessProbe.httpGet.path).toBe('/actuator/health/readiness');
  });

  test('graceful shutdown: preStop pause, grace period longer than the shutdown phase', () => {
    expect(c.lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'sleep 10']);
    expect(envOf(c).SERVER_SHUTDOWN).toBe('graceful');
    expect(envOf(c).SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE).toBe('30s');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10 + 30);
  });

  test('Pod Security "restricted": non-root, no escalation, no capabilities, RuntimeDefault, read-only root with writable /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
  });

  test('its own ServiceAccount without a mounted token', () => {
    expect(pod.serviceAccountName).toBe('orders');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(one(manifests, 'ServiceAccount', 'orders').automountServiceAccountToken).toBe(false);
  });

  test('a ServiceMonitor scrapes /actuator/prometheus on the management port of every Service of the app', () => {
    expect(one(manifests, 'ServiceMonitor', 'orders').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } },
      endpoints: [{ port: 'management', path: '/actuator/prometheus', interval: '30s' }],
    });
    expect(one(manifests, 'ServiceMonitor', 'orders').metadata.labels.release).toBe('kube-prometheus-stack');
    // No annotation-driven scrape beside it (it would scrape every pod twice).
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
  });

  test('recommended labels on every object, the version only on the workload and its pods, selectors on stable labels only', () => {
    const common = {
      'app.kubernetes.io/name': 'orders',
      'app.kubernetes.io/instance': 'orders',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    for (const m of manifests.filter((x) => x.doc.kind !== 'Namespace' && x.doc.kind !== 'ServiceMonitor')) {
      const versioned = m.doc.kind === 'Deployment';
      expect(m.doc.metadata.labels).toEqual(versioned ? { ...common, 'app.kubernetes.io/version': '1.4.2' } : common);
    }
    expect(deployment.spec.template.metadata.labels).toEqual({ ...common, 'app.kubernetes.io/version': '1.4.2' });
    const stable = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' };
    expect(deployment.spec.selector.matchLabels).toEqual(stable);
    expect(one(manifests, 'Service').spec.selector).toEqual(stable);
    expect(one(manifests, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(stable);
  });

  test('a PodDisruptionBudget because more than one replica runs; spread over zones and nodes', () => {
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  test('nothing optional unless asked for', () => {
    for (const kind of ['ConfigMap', 'PersistentVolumeClaim', 'Ingress', 'HorizontalPodAutoscaler', 'Rollout']) {
      expect(find(manifests, kind)).toEqual([]);
    }
  });

  test('a NetworkPolicy even without networkPolicy: http open to all as before, the actuator to the monitoring namespace only', () => {
    const np = one(manifests, 'NetworkPolicy', 'orders');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'orders', 'app.kubernetes.io/name': 'orders' } },
      policyTypes: ['Ingress'],
      ingress: [
        { ports: [{ port: 8080, protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8081, protocol: 'TCP' }] },
      ],
    });
  });
});

describe('who reaches the management port (NetworkPolicy semantics of the API)', () => {
  const app: Pod = { namespace: 'shop-dev', labels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } };
  const neighbour = { namespace: 'shop-dev', labels: { 'app.kubernetes.io/name': 'catalog' } };
  const elsewhere = { namespace: 'team-b', labels: { 'app.kubernetes.io/name': 'intruder' } };
  const prometheus = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const reach = (props: Partial<JavaAppProps>) => {
    const policies = find(synth(props), 'NetworkPolicy');
    return (from: Pod, port: number) => admits(policies, from, app, port);
  };

  test.each<[string, Partial<JavaAppProps>]>([
    ['no networkPolicy', {}],
    ['no networkPolicy, blue-green', { strategy: DeployStrategy.blueGreen() }],
    ['a networkPolicy', { networkPolicy: { allowFromApps: ['catalog'] } }],
  ])('%s: the actuator only from the monitoring namespace', (_, props) => {
    const can = reach(props);
    expect([can(neighbour, 8081), can(elsewhere, 8081), can(prometheus, 8081)]).toEqual([false, false, true]);
  });

  test('no networkPolicy: http stays open to every pod of the cluster; with one, to the listed callers only', () => {
    const open = reach({});
    expect([open(neighbour, 8080), open(elsewhere, 8080)]).toEqual([true, true]);
    const listed = reach({ networkPolicy: { allowFromApps: ['catalog'] } });
    expect([listed(neighbour, 8080), listed(elsewhere, 8080)]).toEqual([true, false]);
  });

  test('a release with web checks (AnalysisTemplate.web()): the Rollouts controller reaches the actuator too', () => {
    const rollouts: Pod = { namespace: 'argo-rollouts', labels: { 'app.kubernetes.io/name': 'argo-rollouts' } };
    const { app: platformApp, env } = platform();
    const health = AnalysisTemplate.web(env, 'health');
    new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [health] } }) });
    const policies = find(platformApp.manifests(), 'NetworkPolicy');
    expect([admits(policies, rollouts, app, 8081), admits(policies, prometheus, app, 8081), admits(policies, elsewhere, app, 8081)]).toEqual([true, true, false]);
    expect(admits(find(synth({}), 'NetworkPolicy'), rollouts, app, 8081)).toBe(false);
  });

  test('metrics: false: no one reaches the actuator (the kubelet\'s probes are not subject to NetworkPolicies)', () => {
    const can = reach({ metrics: false });
    expect([can(prometheus, 8081), can(elsewhere, 8080)]).toEqual([false, true]);
  });

  test('in the committed dist/, no app\'s actuator answers a pod outside the monitoring namespace', () => {
    const dist = path.join(__dirname, '..', '..', 'dist');
    for (const folder of ['dev', 'prod']) {
      const docs = fs.readdirSync(path.join(dist, folder)).filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dist, folder, f), 'utf8')).map((d) => d.toJS()));
      for (const d of docs.filter((x) => x?.kind === 'Deployment')) {
        const pod: Pod = { namespace: d.metadata.namespace, labels: d.spec.template.metadata.labels };
        const management = d.spec.template.spec.containers[0].ports.find((p: any) => p.name === 'management').containerPort;
        const stranger: Pod = { namespace: d.metadata.namespace, labels: { 'app.kubernetes.io/name': 'stranger' } };
        expect({ app: d.metadata.name, stranger: admits(docs, stranger, pod, management), prometheus: admits(docs, prometheus, pod, management) })
          .toEqual({ app: d.metadata.name, stranger: false, prometheus: true });
      }
    }
  });

  test('the model: a pod that no policy selects accepts everything; an empty from admits all', () => {
    expect(admits([], elsewhere, app, 8081)).toBe(true);
    expect(admits([{ kind: 'NetworkPolicy', metadata: { namespace: 'shop-dev' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }], neighbour, app, 8080)).toBe(false);
  });
});

describe('JavaApp features', () => {
  test('a single replica has no PodDisruptionBudget', () => {
    expect(find(synth({ replicas: 1 }), 'PodDisruptionBudget')).toEqual([]);
  });

  test('version label from a digest when there is no tag', () => {
    const digest = `ghcr.io/acme-shop/orders@sha256:${'ab'.repeat(32)}`;
    expect(one(synth({ image: digest }), 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('abababababab');
  });

  test('resources, heap share and JVM options are overridable', () => {
    const c = container(synth({ cpuRequest: '500m', cpuLimit: '2', memoryLimit: '2Gi', memoryRequest: '1536Mi', maxRamPercentage: 60, javaOptions: ['-XX:+UseZGC'] }));
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(envOf(c).JAVA_TOOL_OPTIONS).toBe('-XX:MaxRAMPercentage=60.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -XX:+UseZGC');
  });

  test('Spring profiles and plain env vars, sorted', () => {
    const e = envOf(container(synth({ springProfiles: ['prod', 'eu'], env: { B_VAR: '2', A_VAR: '1' } })));
    expect(e.SPRING_PROFILES_ACTIVE).toBe('prod,eu');
    const names = container(synth({ env: { B_VAR: '2', A_VAR: '1' } })).env.map((x: any) => x.name);
    expect(names.indexOf('A_VAR')).toBeLessThan(names.indexOf('B_VAR'));
  });

  test('application.yaml becomes a ConfigMap mounted read-only and found by Spring', () => {
    const manifests = synth({ applicationConfig: 'server:\n  tomcat:\n    threads:\n      max: 50\n' });
    expect(one(manifests, 'ConfigMap', 'orders-config').data).toEqual({ 'application.yaml': 'server:\n  tomcat:\n    threads:\n      max: 50\n' });
    const c = container(manifests);
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
    expect(envOf(c).SPRING_CONFIG_ADDITIONAL_LOCATION).toBe('optional:file:/config/');
    expect(one(manifests, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'orders-config' } });
  });

  test('a change of application.yaml changes the pod template (pods roll)', () => {
    const checksum = (config: string) => one(synth({ applicationConfig: config }), 'Deployment').spec.template.metadata.annotations['checksum/config'];
    expect(checksum('a: 1\n')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum('a: 1\n')).toBe(checksum('a: 1\n'));
    expect(checksum('a: 1\n')).not.toBe(checksum('a: 2\n'));
  });

  test('secrets only by reference: env valueFrom and read-only files', () => {
    const manifests = synth({ secrets: [SecretRef.env('DB_PASSWORD', 'orders-db', 'password'), SecretRef.files('orders-tls-client', '/etc/tls')] });
    const c = container(manifests);
    expect(c.env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } });
    expect(c.volumeMounts).toContainEqual({ name: 'secret-1', mountPath: '/etc/tls', readOnly: true });
    expect(one(manifests, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'secret-1', secret: { secretName: 'orders-tls-client', defaultMode: 0o440 } });
    expect(find(manifests, 'Secret')).toEqual([]);
  });

  test('storage: a PVC mounted where asked', () => {
    const manifests = synth({ replicas: 1, storage: { size: '10Gi', storageClassName: 'fast-ssd', mountPath: '/var/lib/orders' } });
    expect(one(manifests, 'PersistentVolumeClaim', 'orders-data').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } },
    });
    expect(container(manifests).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/orders' });
  });

  test('storage shared by several pods needs ReadWriteMany', () => {
    const manifests = synth({ storage: { size: '10Gi', accessMode: AccessMode.READ_WRITE_MANY } });
    expect(one(manifests, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteMany']);
    expect(container(manifests).volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  test('probes are overridable', () => {
    const c = container(synth({ readinessProbe: HealthProbe.httpGet('/ready', { port: 9090, period: Duration.seconds(2) }), livenessProbe: HealthProbe.tcpSocket() }));
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 9090 }, periodSeconds: 2 });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 8080 } });
  });

  test('graceful shutdown timings are overridable', () => {
    const manifests = synth({ preStopDelay: Duration.seconds(5), shutdownTimeout: Duration.seconds(60) });
    expect(container(manifests).lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'sleep 5']);
    expect(one(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(70);
  });

  test('no preStop hook when the delay is zero (images without a shell)', () => {
    const manifests = synth({ preStopDelay: Duration.seconds(0) });
    expect(container(manifests).lifecycle).toBeUndefined();
    expect(one(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(35);
  });

  test('LoadBalancer Service and custom ports', () => {
    const manifests = synth({ serviceType: ServiceType.LOAD_BALANCER, port: 9000, servicePort: 8443, managementPort: 9001 });
    expect(one(manifests, 'Service').spec).toMatchObject({ type: 'LoadBalancer', ports: [{ port: 8443, targetPort: 'http' }, { port: 9001, targetPort: 'management' }] });
    expect(container(manifests).ports.map((p: any) => p.containerPort)).toEqual([9000, 9001]);
    expect(container(manifests).readinessProbe.httpGet.port).toBe(9001);
    expect(envOf(container(manifests)).MANAGEMENT_SERVER_PORT).toBe('9001');
  });

  test('Ingress with host, path, TLS and class to the app Service', () => {
    const manifests = synth({ ingress: { host: 'orders.example.com', path: '/api', tlsSecretName: 'orders-tls', className: 'internal' } });
    expect(one(manifests, 'Ingress', 'orders').spec).toEqual({
      ingressClassName: 'internal',
      tls: [{ hosts: ['orders.example.com'], secretName: 'orders-tls' }],
      rules: [{ host: 'orders.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'orders', port: { name: 'http' } } } }] } }],
    });
  });

  test('NetworkPolicy admits the listed apps and the ingress controller to http, Prometheus to management only', () => {
    const np = one(synth({ ingress: { host: 'orders.example.com' }, networkPolicy: { allowFromApps: ['catalog'], allowFromNamespaces: ['billing'] } }), 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([{
      from: [
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'catalog' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'billing' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      ],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }, {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 8081, protocol: 'TCP' }],
    }]);
  });

  test('HPA on CPU owns the replicas; PDB while more than one pod can run', () => {
    const manifests = synth({ replicas: 1, autoscaling: { maxReplicas: 5, cpuUtilization: 60 } });
    expect(one(manifests, 'Deployment').spec.replicas).toBeUndefined();
    expect(one(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicas: 1, maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(find(manifests, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('nodeSelector, tolerations, no spread on request, other user id', () => {
    const pod = one(synth({ nodeSelector: { pool: 'java' }, tolerations: [{ key: 'java', operator: 'Exists', effect: 'NoSchedule' }], topologySpread: false, runAsUser: 2000 }), 'Deployment').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ pool: 'java' });
    expect(pod.tolerations).toEqual([{ key: 'java', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.securityContext.runAsUser).toBe(2000);
  });

  test('an explicit policy exception is recorded with its reason', () => {
    const manifests = synth({ policyExceptions: [PolicyException.writableRootFilesystem('legacy report engine unpacks fonts into /opt/app')] });
    const d = one(manifests, 'Deployment');
    expect(d.spec.template.metadata.annotations['exempt.policy.platform/read-only-root-filesystem']).toBe('legacy report engine unpacks fonts into /opt/app');
    expect(d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('metrics can be turned off', () => {
    const manifests = synth({ metrics: false });
    expect(one(manifests, 'Deployment').spec.template.metadata.annotations).toBeUndefined();
    expect(find(manifests, 'ServiceMonitor')).toEqual([]);
  });
});

describe('JavaApp in a plain cdk8s App', () => {
  test('its own checks run as construct validations, so app.synth() catches an escape-hatch mistake', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain', { namespace: 'team' });
    const java = new JavaApp(chart, 'orders', { image: IMAGE });
    java.service.addJsonPatch(JsonPatch.replace('/spec/selector', { 'app.kubernetes.io/name': 'order' }));
    expect(() => app.synth()).toThrow('[plain/orders] JavaApp "orders" Service orders spec.selector: selects no pods of this namespace');
  });

  test('a valid app synthesizes as usual', () => {
    const app = Testing.app();
    new JavaApp(new Chart(app, 'plain', { namespace: 'team' }), 'orders', { image: IMAGE });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('JavaApp escape hatch', () => {
  test('ApiObject.of(app) is the workload, and a patch through it reaches the synthesized Deployment', () => {
    const { app, env } = platform();
    const java = new JavaApp(env, 'orders', { image: IMAGE });
    expect(ApiObject.of(java)).toBe(java.deployment);
    ApiObject.of(java).addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 15));
    const deployment = one(app.manifests(), 'Deployment', 'orders');
    expect(deployment.spec.minReadySeconds).toBe(15);
    expect(deployment.metadata.name).toBe('orders');
  });

  test('a patch through it that breaks Pod Security "restricted" is refused by the gate', () => {
    const { app, env } = platform();
    const java = new JavaApp(env, 'orders', { image: IMAGE });
    ApiObject.of(java).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    expect(() => app.manifests()).toThrow(/privileged/);
  });
});

describe('JavaApp env: secret-looking names as secret scanners define them (lib/rules/credentials.ts)', () => {
  test.each(['MYSQL_PWD', 'SMTP_PASS', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_APIKEY', 'dbPassword', 'BASIC_AUTH'])('refuses a plain value under %s', (name) => {
    expect(() => synth({ env: { [name]: 'x' } })).toThrow(`JavaApp "orders": env "${name}" looks like a secret: reference an existing Secret with secrets: [SecretRef.env('${name}', '<secret>', '<key>')] instead of a plain value`);
  });

  test.each(['DB_PASSWORD_FILE', 'TOKEN_URL', 'AUTH_ENABLED', 'AWS_ACCESS_KEY_ID', 'SECRET_NAME', 'AUTHOR'])('accepts %s, and the gate agrees', (name) => {
    expect(envOf(container(synth({ env: { [name]: 'x' } })))[name]).toBe('x');
  });
});

describe('JavaApp serviceType: the fields the Service type decides (ValidateService, lib/rules/services.ts)', () => {
  test('ExternalName is refused: that Service needs externalName and selects no pods', () => {
    expect(() => synth({ serviceType: ServiceType.EXTERNAL_NAME })).toThrow(
      'JavaApp "orders": serviceType ExternalName: the Service\'s spec.externalName Required value: the DNS name this Service is an alias for (an ExternalName Service selects no pods); an app\'s Service selects its pods: use ServiceType.CLUSTER_IP, NODE_PORT or LOAD_BALANCER');
  });

  test.each([ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER])('%s is written, and the gate accepts it', (type) => {
    expect(one(synth({ serviceType: type }), 'Service', 'orders').spec.type).toBe(type);
  });
});

describe('JavaApp: no bounds of our own (docs/validation.md lists the platform\'s policies)', () => {
  test('an autoscaler target above 100% is written: usage may exceed the request, and the API server refuses only values below 1', () => {
    const hpa = one(synth({ autoscaling: { maxReplicas: 3, cpuUtilization: 150 } }), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 150 });
  });

  test('replicas, autoscaler bounds and a disruption budget beyond 1000, up to int32', () => {
    const manifests = synth({ replicas: 1500, maxUnavailable: 2000, autoscaling: { minReplicas: 1500, maxReplicas: 2 ** 31 - 1 } });
    expect(one(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 1500, maxReplicas: 2 ** 31 - 1 });
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(2000);
  });

  test('maxRamPercentage from 1 to 95 (platform policy)', () => {
    expect(envOf(container(synth({ maxRamPercentage: 1 }))).JAVA_TOOL_OPTIONS).toContain('-XX:MaxRAMPercentage=1.0');
    expect(() => synth({ maxRamPercentage: 0 })).toThrow('JavaApp "orders": maxRamPercentage must be an integer 1-95, got 0');
  });
});
