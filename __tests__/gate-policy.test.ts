import { EXEMPTION_PREFIX, PolicyRule } from '../lib/app/policy-exception';
import { checkPolicy } from '../lib/validate/policy';
import { container, deployment, lines, manifest, NS, podSpec } from './support/docs';

type Doc = Record<string, any>;

/** The policy problems of Deployment web after `change` edited its pod spec (`pod`) and first container (`c`). */
function policy(change: (pod: Doc, c: Doc, doc: Doc) => void = () => undefined, doc: Doc = deployment('web')): string[] {
  const pod = doc.spec.template?.spec ?? doc.spec.jobTemplate?.spec.template.spec;
  change(pod, pod.containers[0], doc);
  return lines(checkPolicy(manifest(doc)));
}

const P = 'dev/app.yaml Deployment web spec.template.spec';
const C0 = `${P}.containers[0]`;
const exempt = (doc: Doc, rule: PolicyRule, reason = 'reviewed') => {
  doc.spec.template.metadata.annotations = { [`${EXEMPTION_PREFIX}${rule}`]: reason };
};

test('the valid pod passes', () => {
  expect(policy()).toEqual([]);
});

describe('Pod Security "restricted" at the pod level', () => {
  test.each<[string, (pod: Doc, c: Doc) => void, string[]]>([
    ['hostNetwork', (pod) => { pod.hostNetwork = true; }, [`${P}.hostNetwork: hostNetwork is not allowed (Pod Security "restricted")`]],
    ['hostPID', (pod) => { pod.hostPID = true; }, [`${P}.hostPID: hostPID is not allowed (Pod Security "restricted")`]],
    ['hostIPC', (pod) => { pod.hostIPC = true; }, [`${P}.hostIPC: hostIPC is not allowed (Pod Security "restricted")`]],
    ['a hostPath volume', (pod) => { pod.volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'host', hostPath: { path: '/' } }]; },
      [`${P}.volumes[1]: volume type hostPath is not allowed (Pod Security "restricted")`]],
    ['an nfs volume', (pod) => { pod.volumes = [{ name: 'share', nfs: { server: 'nfs', path: '/' } }]; }, [`${P}.volumes[0]: volume type nfs is not allowed (Pod Security "restricted")`]],
    ['the pod runs as root', (pod) => { pod.securityContext.runAsUser = 0; }, [`${P}.securityContext.runAsUser: must not run as root (0)`]],
    ['an unconfined pod seccomp profile', (pod) => { pod.securityContext.seccompProfile.type = 'Unconfined'; }, [
      `${P}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost, got Unconfined`,
      `${C0}.securityContext.seccompProfile: set seccompProfile.type RuntimeDefault in the pod or the container (Pod Security "restricted")`,
    ]],
    ['no seccomp profile anywhere', (pod) => { delete pod.securityContext.seccompProfile; },
      [`${C0}.securityContext.seccompProfile: set seccompProfile.type RuntimeDefault in the pod or the container (Pod Security "restricted")`]],
    ['an unconfined container seccomp profile', (_pod, c) => { c.securityContext.seccompProfile = { type: 'Unconfined' }; },
      [`${C0}.securityContext.seccompProfile: set seccompProfile.type RuntimeDefault in the pod or the container (Pod Security "restricted")`]],
    ['runAsNonRoot nowhere', (pod) => { delete pod.securityContext.runAsNonRoot; },
      [`${C0}.securityContext.runAsNonRoot: must be true in the container or the pod (Pod Security "restricted")`]],
    ['runAsNonRoot false in the container overrides the pod', (_pod, c) => { c.securityContext.runAsNonRoot = false; },
      [`${C0}.securityContext.runAsNonRoot: must be true in the container or the pod (Pod Security "restricted")`]],
    ['no pod securityContext at all', (pod) => { delete pod.securityContext; }, [
      `${C0}.securityContext.runAsNonRoot: must be true in the container or the pod (Pod Security "restricted")`,
      `${C0}.securityContext.seccompProfile: set seccompProfile.type RuntimeDefault in the pod or the container (Pod Security "restricted")`,
    ]],
  ])('%s', (_case, change, expected) => {
    expect(policy(change)).toEqual(expected);
  });

  test.each<[string, (pod: Doc, c: Doc) => void]>([
    ['host namespaces set to false', (pod) => { Object.assign(pod, { hostNetwork: false, hostPID: false, hostIPC: false }); }],
    ['every volume type of "restricted"', (pod) => {
      pod.volumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'].map((type, i) => ({ name: `v${i}`, [type]: {} }));
    }],
    ['a volume with only a name', (pod) => { pod.volumes = [{ name: 'v' }]; }],
    ['a non-root pod user', (pod) => { pod.securityContext.runAsUser = 1000; }],
    ['a Localhost pod seccomp profile', (pod) => { pod.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }; }],
    ['seccomp and runAsNonRoot in the container only', (pod, c) => {
      delete pod.securityContext;
      Object.assign(c.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }],
    ['a Localhost container profile over an unset pod profile', (pod, c) => { delete pod.securityContext.seccompProfile; c.securityContext.seccompProfile = { type: 'Localhost' }; }],
  ])('accepted: %s', (_case, change) => {
    expect(policy(change)).toEqual([]);
  });
});

describe('Pod Security "restricted" for every container', () => {
  test.each<[string, (pod: Doc, c: Doc) => void, string[]]>([
    ['privileged', (_pod, c) => { c.securityContext.privileged = true; }, [`${C0}.securityContext.privileged: privileged containers are not allowed`]],
    ['privilege escalation', (_pod, c) => { c.securityContext.allowPrivilegeEscalation = true; }, [`${C0}.securityContext.allowPrivilegeEscalation: must be false (Pod Security "restricted")`]],
    ['privilege escalation left unset', (_pod, c) => { delete c.securityContext.allowPrivilegeEscalation; }, [`${C0}.securityContext.allowPrivilegeEscalation: must be false (Pod Security "restricted")`]],
    ['the container runs as root', (_pod, c) => { c.securityContext.runAsUser = 0; }, [`${C0}.securityContext.runAsUser: must not run as root (0)`]],
    ['capabilities not dropped', (_pod, c) => { delete c.securityContext.capabilities; }, [`${C0}.securityContext.capabilities.drop: must drop ALL capabilities (Pod Security "restricted")`]],
    ['some capabilities dropped', (_pod, c) => { c.securityContext.capabilities.drop = ['NET_RAW']; }, [`${C0}.securityContext.capabilities.drop: must drop ALL capabilities (Pod Security "restricted")`]],
    ['capabilities added', (_pod, c) => { c.securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_TIME', 'NET_ADMIN']; },
      [`${C0}.securityContext.capabilities.add: may only add NET_BIND_SERVICE, got SYS_TIME, NET_ADMIN`]],
    ['a hostPort', (_pod, c) => { c.ports.push({ name: 'admin', containerPort: 9090, hostPort: 9090 }); }, [`${C0}.ports[1].hostPort: hostPort is not allowed`]],
    ['a writable root filesystem', (_pod, c) => { c.securityContext.readOnlyRootFilesystem = false; },
      [`${C0}.securityContext.readOnlyRootFilesystem: must be true (mount an emptyDir where the app writes), or record PolicyException.writableRootFilesystem(reason)`]],
    ['no securityContext at all', (_pod, c) => { delete c.securityContext; }, [
      `${C0}.securityContext.allowPrivilegeEscalation: must be false (Pod Security "restricted")`,
      `${C0}.securityContext.capabilities.drop: must drop ALL capabilities (Pod Security "restricted")`,
      `${C0}.securityContext.readOnlyRootFilesystem: must be true (mount an emptyDir where the app writes), or record PolicyException.writableRootFilesystem(reason)`,
    ]],
    ['a second container is checked under its own index', (pod) => { pod.containers.push(container({ name: 'side', securityContext: { ...container().securityContext, privileged: true } })); },
      [`${P}.containers[1].securityContext.privileged: privileged containers are not allowed`]],
    ['init containers come first and are checked too', (pod) => {
      pod.initContainers = [container({ name: 'init', readinessProbe: undefined, securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } })];
      pod.containers[0].securityContext.privileged = true;
    }, [
      `${P}.initContainers[0].securityContext.allowPrivilegeEscalation: must be false (Pod Security "restricted")`,
      `${C0}.securityContext.privileged: privileged containers are not allowed`,
    ]],
  ])('%s', (_case, change, expected) => {
    expect(policy(change)).toEqual(expected);
  });

  test.each<[string, (pod: Doc, c: Doc) => void]>([
    ['privileged false', (_pod, c) => { c.securityContext.privileged = false; }],
    ['NET_BIND_SERVICE may be added', (_pod, c) => { c.securityContext.capabilities.add = ['NET_BIND_SERVICE']; }],
    ['ALL among other dropped capabilities', (_pod, c) => { c.securityContext.capabilities.drop = ['NET_RAW', 'ALL']; }],
    ['a non-root container user', (_pod, c) => { c.securityContext.runAsUser = 1001; }],
    ['a hostPort of 0 is no hostPort', (_pod, c) => { c.ports[0].hostPort = 0; }],
    ['an init container needs no readiness probe', (pod) => { pod.initContainers = [container({ name: 'init', readinessProbe: undefined })]; }],
  ])('accepted: %s', (_case, change) => {
    expect(policy(change)).toEqual([]);
  });
});

describe('operability: pinned images, requests and limits, readiness', () => {
  test.each<[string, (pod: Doc, c: Doc) => void, string[]]>([
    ['the latest tag', (_pod, c) => { c.image = 'ghcr.io/acme-shop/app:latest'; }, [`${C0}.image: "ghcr.io/acme-shop/app:latest" uses the tag latest: pin a version tag or a digest`]],
    ['no tag', (_pod, c) => { c.image = 'ghcr.io/acme-shop/app'; }, [`${C0}.image: "ghcr.io/acme-shop/app" has no tag: pin a version tag or a digest`]],
    ['no image', (_pod, c) => { delete c.image; }, [`${C0}.image: has no image`]],
    ['an image that is not a string', (_pod, c) => { c.image = 42; }, [`${C0}.image: has no image`]],
    ['no CPU request', (_pod, c) => { delete c.resources.requests.cpu; }, [`${C0}.resources.requests.cpu: a CPU request is required (the scheduler places pods by requests)`]],
    ['no memory request', (_pod, c) => { delete c.resources.requests.memory; }, [`${C0}.resources.requests.memory: a memory request is required`]],
    ['no memory limit', (_pod, c) => { delete c.resources.limits.memory; }, [`${C0}.resources.limits.memory: a memory limit is required (the JVM sizes its heap from it)`]],
    ['no CPU limit', (_pod, c) => { delete c.resources.limits.cpu; }, [`${C0}.resources.limits.cpu: a CPU limit is required, or record PolicyException.noCpuLimit(reason)`]],
    ['no resources at all', (_pod, c) => { delete c.resources; }, [
      `${C0}.resources.requests.cpu: a CPU request is required (the scheduler places pods by requests)`,
      `${C0}.resources.requests.memory: a memory request is required`,
      `${C0}.resources.limits.memory: a memory limit is required (the JVM sizes its heap from it)`,
      `${C0}.resources.limits.cpu: a CPU limit is required, or record PolicyException.noCpuLimit(reason)`,
    ]],
    ['no readiness probe on a serving pod', (_pod, c) => { delete c.readinessProbe; },
      [`${C0}.readinessProbe: a readiness probe is required so that traffic only reaches ready pods, or record PolicyException.noReadinessProbe(reason)`]],
  ])('%s', (_case, change, expected) => {
    expect(policy(change)).toEqual(expected);
  });

  test.each<[string, (pod: Doc, c: Doc) => void]>([
    ['an image pinned by digest', (_pod, c) => { c.image = `ghcr.io/acme-shop/app@sha256:${'a'.repeat(64)}`; }],
    ['an image with a registry port and a tag', (_pod, c) => { c.image = 'registry.local:5000/app:2.1'; }],
  ])('accepted: %s', (_case, change) => {
    expect(policy(change)).toEqual([]);
  });

  test.each<[string, PolicyRule, (c: Doc) => void, string]>([
    ['a writable root filesystem', PolicyRule.READ_ONLY_ROOT_FILESYSTEM, (c) => { c.securityContext.readOnlyRootFilesystem = false; },
      `${C0}.securityContext.readOnlyRootFilesystem: must be true (mount an emptyDir where the app writes), or record PolicyException.writableRootFilesystem(reason)`],
    ['no CPU limit', PolicyRule.CPU_LIMIT, (c) => { delete c.resources.limits.cpu; }, `${C0}.resources.limits.cpu: a CPU limit is required, or record PolicyException.noCpuLimit(reason)`],
    ['no readiness probe', PolicyRule.READINESS_PROBE, (c) => { delete c.readinessProbe; },
      `${C0}.readinessProbe: a readiness probe is required so that traffic only reaches ready pods, or record PolicyException.noReadinessProbe(reason)`],
  ])('an exemption with a reason allows %s; a blank reason or another rule does not', (_case, rule, change, problem) => {
    expect(policy((_pod, c, doc) => { change(c); exempt(doc, rule); })).toEqual([]);
    expect(policy((_pod, c, doc) => { change(c); exempt(doc, rule, '  '); })).toEqual([problem]);
    const other = Object.values(PolicyRule).find((r) => r !== rule)!;
    expect(policy((_pod, c, doc) => { change(c); exempt(doc, other); })).toEqual([problem]);
  });

  test('batch pods need no readiness probe; their pod template is found in a Job and a CronJob', () => {
    const job = (kind: 'Job' | 'CronJob') => {
      const template = { spec: podSpec({ restartPolicy: 'Never', containers: [container({ readinessProbe: undefined })] }) };
      const spec = kind === 'Job' ? { template } : { schedule: '@daily', jobTemplate: { spec: { template } } };
      return { apiVersion: 'batch/v1', kind, metadata: { name: 'web', namespace: NS }, spec };
    };
    expect(policy(() => undefined, job('Job'))).toEqual([]);
    expect(policy(() => undefined, job('CronJob'))).toEqual([]);
    expect(policy((_pod, c) => { c.securityContext.privileged = true; }, job('CronJob')))
      .toEqual(['dev/app.yaml CronJob web spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged: privileged containers are not allowed']);
  });

  test.each(['StatefulSet', 'DaemonSet', 'Rollout'])('a %s serves traffic: its containers need a readiness probe', (kind) => {
    const doc = deployment('web');
    doc.kind = kind;
    expect(policy((_pod, c) => { delete c.readinessProbe; }, doc)).toEqual([
      `dev/app.yaml ${kind} web spec.template.spec.containers[0].readinessProbe: a readiness probe is required so that traffic only reaches ready pods, or record PolicyException.noReadinessProbe(reason)`,
    ]);
  });
});

describe('no plaintext secrets', () => {
  // The keywords of gitleaks' generic-api-key rule and detect-secrets' KeywordDetector, as words of the name.
  test.each([
    'DB_PASSWORD', 'APP_SECRET', 'GITHUB_TOKEN', 'SSH_PRIVATE_KEY', 'AWS_CREDENTIALS', 'AWS_CREDENTIAL', 'STRIPE_API_KEY', 'db_password',
    'MYSQL_PASSWD', 'MYSQL_PWD', 'SMTP_PASS', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY', 'STRIPE_APIKEY', 'OAUTH_CLIENT_SECRET', 'REGISTRY_CREDS',
    'BASIC_AUTH', 'X_AUTH_KEY', 'dbPassword', 'apiKey', 'APIKey', 'spring.datasource.password', 'db-password', 'DBPASSWORD', 'PASSWORD2', 'CLIENT_KEY',
  ])('an env var %s with a value', (name) => {
    expect(policy((_pod, c) => { c.env = [{ name: 'MODE', value: 'x' }, { name, value: 'hunter2' }]; }))
      .toEqual([`${C0}.env[1]: ${name} looks like a secret with a plaintext value: use valueFrom.secretKeyRef (SecretRef.env)`]);
  });

  test.each<[string, Doc]>([
    ['a secret name from a Secret', { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    ['an empty value', { name: 'DB_PASSWORD', value: '' }],
    ['a name that only contains a secret word', { name: 'PASSWORD_FILE', value: '/run/secrets/db' }],
    ['a name that ends in a secret word without its boundary', { name: 'TOKENS_ISSUED', value: '3' }],
    // The false positives the scanners accept: where or how the secret is found, not the secret.
    ...['TOKEN_URL', 'AUTH_URI', 'SECRET_PATH', 'DB_PASSWORD_FILE', 'CREDENTIALS_DIR', 'TOKEN_ENDPOINT', 'AUTH_ENABLED', 'AUTH_DISABLED', 'SECRET_NAME',
      'AWS_ACCESS_KEY_ID', 'API_KEY_VERSION', 'SECRET_LENGTH', 'TOKEN_TTL', 'AUTH_SERVER', 'AUTH_TYPE', 'authMode', 'TOKEN_TIMEOUT', 'AUTH_HOST', 'AUTH_PORT',
      'AUTH_PROVIDER', 'AUTH_METHOD', 'AUTH_SCHEME', 'SECRET_SIZE', 'API_KEY_HEADER_NAME']
      .map((name): [string, Doc] => [`${name} (its last word says where or how)`, { name, value: 'x' }]),
    // Words that only contain a keyword: gitleaks' allowlist (author, rapid, ...) and the like.
    ...['AUTHOR', 'PASSENGER_COUNT', 'BYPASS_CACHE', 'COMPASS_HEADING', 'OAUTH_ISSUER', 'API_BASE', 'ACCESS_LOG', 'KEYCLOAK_REALM', 'SECRETARY']
      .map((name): [string, Doc] => [`${name} (a keyword only inside a word)`, { name, value: 'x' }]),
  ])('accepted: %s', (_case, env) => {
    expect(policy((_pod, c) => { c.env = [env]; })).toEqual([]);
  });

  // A literal credential is refused whatever the variable is called (lib/rules/credentials.ts).
  test.each<[string, string]>([
    ['jdbc:postgresql://app:hunter2@db:5432/orders', 'a password in a URL (user:password@)'],
    ['Server=db;Database=app;Password=hunter2', 'a password in a connection string (Password=)'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'a GitHub token'],
  ])('an env var value %s under a plain name', (value, what) => {
    expect(policy((_pod, c) => { c.env = [{ name: 'MODE', value: 'x' }, { name: 'DATABASE_URL', value }]; }))
      .toEqual([`${C0}.env[1].value: DATABASE_URL holds ${what} in plaintext: put it in a Secret in the cluster and use valueFrom.secretKeyRef (SecretRef.env)`]);
  });

  test.each<[string, Doc]>([
    ['a URL without a password', { name: 'DATABASE_URL', value: 'jdbc:postgresql://app@db:5432/orders' }],
    ['a URL whose password is a placeholder', { name: 'DATABASE_URL', value: 'https://app:${DB_PASS}@db/orders' }],
    ['a value taken from a field, not a string', { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
  ])('accepted under a plain name: %s', (_case, env) => {
    expect(policy((_pod, c) => { c.env = [env]; })).toEqual([]);
  });

  test.each<[string, Doc, string[]]>([
    ['data', { data: { password: 'aHVudGVyMg==' } }, ['dev/app.yaml Secret creds data: a Secret with values would put plaintext credentials in Git: reference a Secret that exists in the cluster (SecretRef), or use ExternalSecret/SealedSecret']],
    ['stringData', { stringData: { password: 'hunter2' } }, ['dev/app.yaml Secret creds stringData: a Secret with values would put plaintext credentials in Git: reference a Secret that exists in the cluster (SecretRef), or use ExternalSecret/SealedSecret']],
    ['both', { data: { a: 'YQ==' }, stringData: { b: 'b' } }, ['dev/app.yaml Secret creds data: a Secret with values would put plaintext credentials in Git: reference a Secret that exists in the cluster (SecretRef), or use ExternalSecret/SealedSecret']],
    ['no values (e.g. a service account token Secret)', { type: 'kubernetes.io/service-account-token' }, []],
  ])('a Secret with %s', (_case, fields, expected) => {
    expect(lines(checkPolicy(manifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: NS }, ...fields })))).toEqual(expected);
  });

  test('a pod spec without containers has no container to police', () => {
    expect(checkPolicy(manifest(deployment('web', { spec: { securityContext: { runAsNonRoot: true } } })))).toEqual([]);
  });

  test('objects without pods and ConfigMaps with data are not policed', () => {
    expect(checkPolicy(manifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { PASSWORD: 'x' } }))).toEqual([]);
    expect(checkPolicy(manifest({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: {} } }))).toEqual([]);
  });
});
