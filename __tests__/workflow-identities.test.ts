import { Chart, Testing } from 'cdk8s';
import { Environment } from '../lib/platform/environment';
import { PipelineTemplate } from '../lib/pipeline/template';
import { validateManifests } from '../lib/validate/gate';
import { Manifest } from '../lib/validate/manifest';
import { checkWorkflowServiceAccounts } from '../lib/validate/workflow-identities';

const NS = 'ci';
const m = (doc: any): Manifest => ({ file: `ci/${doc.kind.toLowerCase()}.yaml`, doc });

const serviceAccount = (name: string, extra: any = {}) => m({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS, ...extra } });
const token = (sa: string) => m({
  apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
  metadata: { name: `${sa}.service-account-token`, namespace: NS, annotations: { 'kubernetes.io/service-account.name': sa } },
});
const role = (name: string, verbs: string[], resources = ['workflowtaskresults'], ns = NS) => m({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns },
  rules: [{ apiGroups: ['argoproj.io'], resources, verbs }],
});
const binding = (name: string, sa: string, roleRef: any = { kind: 'Role', name }, ns = NS) => m({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects: [{ kind: 'ServiceAccount', name: sa, namespace: NS }],
});
const workflow = (spec: any, templates: any[] = [{ name: 'main', script: { image: 'busybox:1.36.1', source: 'true' } }]) => m({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w', namespace: NS },
  spec: { entrypoint: 'main', ...spec, templates },
});

/** An executor with everything it needs. */
const executor = () => [serviceAccount('exec'), token('exec'), role('exec', ['create', 'patch']), binding('exec', 'exec')];

const messages = (manifests: Manifest[]) => checkWorkflowServiceAccounts(manifests).map((p) => `${p.path}: ${p.message}`);

describe('the gate: ServiceAccounts of workflows exist, and their executor may report results', () => {
  test('accepted: an executor ServiceAccount with its token, bound to a Role that creates and patches workflowtaskresults', () => {
    expect(messages([...executor(), workflow({ automountServiceAccountToken: false, executor: { serviceAccountName: 'exec' } })])).toEqual([]);
  });

  test('accepted: the pod\'s own ServiceAccount as executor, through a ClusterRole with "*" verbs', () => {
    const clusterRole = m({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'results' },
      rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['*'] }],
    });
    expect(messages([serviceAccount('runner'), clusterRole, binding('runner', 'runner', { kind: 'ClusterRole', name: 'results' }), workflow({ serviceAccountName: 'runner' })])).toEqual([]);
  });

  test('accepted: a step with a ServiceAccount of its own, the executor reporting for it', () => {
    const templates = [{ name: 'main', serviceAccountName: 'waiter', automountServiceAccountToken: true, script: { image: 'busybox:1.36.1', source: 'true' } }];
    expect(messages([...executor(), serviceAccount('waiter'), workflow({ automountServiceAccountToken: false, executor: { serviceAccountName: 'exec' } }, templates)])).toEqual([]);
  });

  test('refused: a ServiceAccount named by a template, the spec or a podSpecPatch that does not exist', () => {
    const templates = [
      { name: 'main', serviceAccountName: 'ghost', script: { image: 'busybox:1.36.1', source: 'true' } },
      { name: 'other', podSpecPatch: '{"serviceAccountName": "phantom"}', script: { image: 'busybox:1.36.1', source: 'true' } },
    ];
    expect(messages([...executor(), workflow({ serviceAccountName: 'nobody', executor: { serviceAccountName: 'exec' } }, templates)])).toEqual([
      'spec.serviceAccountName: ServiceAccount "nobody" does not exist in namespace "ci": generate it (with its Role and RoleBinding) or name one that exists',
      'spec.templates[0].serviceAccountName: ServiceAccount "ghost" does not exist in namespace "ci": generate it (with its Role and RoleBinding) or name one that exists',
      'spec.templates[1].podSpecPatch: ServiceAccount "phantom" does not exist in namespace "ci": generate it (with its Role and RoleBinding) or name one that exists',
    ]);
  });

  test('refused: an executor without patch, or bound in another namespace', () => {
    const onlyCreate = [serviceAccount('exec'), token('exec'), role('exec', ['create']), binding('exec', 'exec')];
    expect(messages([...onlyCreate, workflow({ executor: { serviceAccountName: 'exec' } })])).toEqual([
      'spec.executor.serviceAccountName: ServiceAccount "exec" runs the executor of template "main" but may not create and patch workflowtaskresults.argoproj.io in "ci": bind it to a Role with those verbs',
    ]);
    const elsewhere = [serviceAccount('exec'), token('exec'), role('exec', ['create', 'patch'], ['workflowtaskresults'], 'shop-dev'), binding('exec', 'exec', { kind: 'Role', name: 'exec' }, 'shop-dev')];
    expect(messages([...elsewhere, workflow({ executor: { serviceAccountName: 'exec' } })])).toHaveLength(1);
  });

  test('refused: the namespace\'s default ServiceAccount, no token without an executor, an executor without its token Secret', () => {
    expect(messages([workflow({})])).toEqual([
      'spec.templates[0]: template "main" runs as the namespace\'s "default" ServiceAccount, which has no permission on workflowtaskresults: name a ServiceAccount (executor.serviceAccountName) bound to a Role that may create and patch them',
    ]);
    expect(messages([...executor(), workflow({ serviceAccountName: 'exec', automountServiceAccountToken: false })])).toEqual([
      'spec.templates[0]: template "main" mounts no ServiceAccount token (automountServiceAccountToken: false) but names no executor.serviceAccountName: Argo Workflows refuses to run it',
    ]);
    const noToken = executor().filter((x) => x.doc.kind !== 'Secret');
    expect(messages([...noToken, workflow({ executor: { serviceAccountName: 'exec' } })])).toEqual([
      'spec.executor.serviceAccountName: Argo Workflows mounts the token of executor ServiceAccount "exec" from the Secret "exec.service-account-token" (type kubernetes.io/service-account-token, annotation kubernetes.io/service-account.name: exec), which is not generated',
    ]);
  });

  test('the synthesized pipeline passes through the whole gate; without its executor Role it is refused', () => {
    // GIVEN a platform with an environment and the pipeline
    const app = Testing.app();
    new Environment(app, 'dev', { namespace: 'shop-dev' });
    new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme/gitops.git' });
    const manifests = app.charts.flatMap((c) => Testing.synth(c).map((doc) => ({ file: `${c.node.id}/x.yaml`, doc })));
    // THEN the rule finds nothing, and the gate registers it
    expect(checkWorkflowServiceAccounts(manifests)).toEqual([]);
    const withoutRole = manifests.filter((x) => !(x.doc.kind === 'Role' && x.doc.metadata.name === 'pipeline-executor'));
    const problems = validateManifests(withoutRole, { policy: false }).map((p) => p.message);
    expect(problems).toContain('ServiceAccount "pipeline-executor" runs the executor of template "clone-source" but may not create and patch workflowtaskresults.argoproj.io in "ci": bind it to a Role with those verbs');
  });
});
