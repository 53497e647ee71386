import { Manifest } from '../lib/validate/manifest';
import { formatProblem } from '../lib/validate/problem';
import { checkWorkflowServiceAccounts } from '../lib/validate/workflow-identities';

type Doc = Record<string, any>;

const NS = 'ci';
const RBAC = 'rbac.authorization.k8s.io/v1';
const at = (doc: Doc): Manifest => ({ file: `ci/${String(doc.kind).toLowerCase()}.yaml`, doc });

const serviceAccount = (name: string, extra: Doc = {}, ns = NS): Doc => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns }, ...extra });
const tokenSecret = (sa: string, name = `${sa}.service-account-token`, extra: Doc = {}): Doc => ({
  apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
  metadata: { name, namespace: NS, annotations: { 'kubernetes.io/service-account.name': sa } }, ...extra,
});
const rule = (verbs: string[], resources = ['workflowtaskresults'], apiGroups = ['argoproj.io']) => ({ apiGroups, resources, verbs });
const role = (name: string, rules: Doc[] = [rule(['create', 'patch'])], ns = NS): Doc => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: ns }, rules });
const clusterRole = (name: string, rules: Doc[] = [rule(['create', 'patch'])]): Doc => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
const subject = (name: string, ns = NS) => ({ kind: 'ServiceAccount', name, namespace: ns });
const roleBinding = (name: string, roleRef: Doc, subjects: Doc[], ns = NS): Doc => ({
  apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects,
});
const clusterRoleBinding = (name: string, roleRef: Doc, subjects: Doc[]): Doc => ({
  apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects,
});
/** ServiceAccount `name` with its token Secret, bound to a Role that may create and patch workflowtaskresults. */
const allowed = (name: string): Doc[] => [serviceAccount(name), tokenSecret(name), role(name), roleBinding(name, { kind: 'Role', name }, [subject(name)])];

const SCRIPT = { image: 'busybox:1.36.1', source: 'true' };
const step = (name = 'main', extra: Doc = {}): Doc => ({ name, script: SCRIPT, ...extra });
const workflowTemplate = (spec: Doc, templates: Doc[] = [step()], kind = 'WorkflowTemplate'): Doc => ({
  apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name: 'w', namespace: NS }, spec: { entrypoint: 'main', ...spec, templates },
});

const identities = (...docs: Doc[]) => checkWorkflowServiceAccounts(docs.map(at)).map(formatProblem);

const W = 'ci/workflowtemplate.yaml WorkflowTemplate w';
const MISSING = (name: string) => `ServiceAccount "${name}" does not exist in namespace "ci": generate it (with its Role and RoleBinding) or name one that exists`;
const CANNOT = (sa: string, template = 'main') => `ServiceAccount "${sa}" runs the executor of template "${template}" but may not create and patch workflowtaskresults.argoproj.io in "ci": bind it to a Role with those verbs`;
const DEFAULT = (template = 'main') => `template "${template}" runs as the namespace's "default" ServiceAccount, which has no permission on workflowtaskresults: name a ServiceAccount (executor.serviceAccountName) bound to a Role that may create and patch them`;
const NO_TOKEN_MOUNT = (template = 'main') => `template "${template}" mounts no ServiceAccount token (automountServiceAccountToken: false) but names no executor.serviceAccountName: Argo Workflows refuses to run it`;
const NO_TOKEN = (sa: string, secret = `${sa}.service-account-token`) => `Argo Workflows mounts the token of executor ServiceAccount "${sa}" from the Secret "${secret}" (type kubernetes.io/service-account-token, annotation kubernetes.io/service-account.name: ${sa}), which is not generated`;

describe('every ServiceAccount a workflow names exists in its namespace', () => {
  test.each<[string, () => Doc[], string[]]>([
    ['refuses a missing spec.serviceAccountName', () => [...allowed('exec'), workflowTemplate({ serviceAccountName: 'nobody', executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.serviceAccountName: ${MISSING('nobody')}`]],
    ['refuses a missing spec.executor.serviceAccountName (and does not look further)', () => [workflowTemplate({ executor: { serviceAccountName: 'ghost' } })],
      [`${W} spec.executor.serviceAccountName: ${MISSING('ghost')}`]],
    ['refuses a missing ServiceAccount of the spec\'s podSpecPatch', () => [...allowed('exec'), workflowTemplate({ podSpecPatch: '{"serviceAccountName": "phantom"}', executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.podSpecPatch: ${MISSING('phantom')}`]],
    ['refuses a missing ServiceAccount of a template', () => [...allowed('exec'), workflowTemplate({ executor: { serviceAccountName: 'exec' } }, [step('main', { serviceAccountName: 'ghost' })])],
      [`${W} spec.templates[0].serviceAccountName: ${MISSING('ghost')}`]],
    ['refuses a missing executor ServiceAccount of a template', () => [workflowTemplate({}, [step('a'), step('main', { executor: { serviceAccountName: 'ghost' } })])],
      [`${W} spec.templates[0]: ${DEFAULT('a')}`, `${W} spec.templates[1].executor.serviceAccountName: ${MISSING('ghost')}`]],
    ['refuses a missing ServiceAccount of a template\'s podSpecPatch, in YAML', () => [...allowed('exec'), workflowTemplate({ executor: { serviceAccountName: 'exec' } }, [step('main', { podSpecPatch: 'serviceAccountName: phantom\n' })])],
      [`${W} spec.templates[0].podSpecPatch: ${MISSING('phantom')}`]],
    ['refuses a ServiceAccount of the same name in another namespace', () => [serviceAccount('runner', {}, 'other'), workflowTemplate({ serviceAccountName: 'runner', executor: { serviceAccountName: 'runner' } })],
      [`${W} spec.serviceAccountName: ${MISSING('runner')}`, `${W} spec.executor.serviceAccountName: ${MISSING('runner')}`]],
    ['refuses a ServiceAccount of another API version', () => [{ ...serviceAccount('runner'), apiVersion: 'v2' }, workflowTemplate({ serviceAccountName: 'runner' })],
      [`${W} spec.serviceAccountName: ${MISSING('runner')}`]],
    ['refuses an object of another kind by the ServiceAccount\'s name', () => [{ ...serviceAccount('runner'), kind: 'ConfigMap' }, workflowTemplate({ serviceAccountName: 'runner' })],
      [`${W} spec.serviceAccountName: ${MISSING('runner')}`]],
    ['reads the workflowSpec of a CronWorkflow', () => [{ ...workflowTemplate({}), kind: 'CronWorkflow', spec: { schedule: '0 0 * * *', workflowSpec: { serviceAccountName: 'ghost', templates: [step()] } } }],
      [`ci/cronworkflow.yaml CronWorkflow w spec.workflowSpec.serviceAccountName: ${MISSING('ghost')}`]],
    ['reads a Workflow', () => [workflowTemplate({ serviceAccountName: 'ghost' }, [step()], 'Workflow')], [`ci/workflow.yaml Workflow w spec.serviceAccountName: ${MISSING('ghost')}`]],
  ])('%s', (_case, docs, expected) => {
    expect(identities(...docs())).toEqual(expected);
  });

  test.each<[string, () => Doc[]]>([
    ['no workflow at all', () => [serviceAccount('exec')]],
    ['a workflow kind of another API group', () => [{ ...workflowTemplate({ serviceAccountName: 'ghost' }), apiVersion: 'example.com/v1' }]],
    ['a template that runs no pod (steps, dag, suspend) needs no executor', () => [workflowTemplate({}, [{ name: 'main', steps: [[{ name: 's', template: 'x' }]] }, { name: 'd', dag: { tasks: [] } }, { name: 'wait', suspend: {} }])]],
    ['a podSpecPatch that is blank, not YAML, not a map or has no string serviceAccountName names nobody', () => [...allowed('exec'), workflowTemplate({ podSpecPatch: '  ', executor: { serviceAccountName: 'exec' } }, [
      step('a', { podSpecPatch: '{"serviceAccountName": ' }), step('b', { podSpecPatch: '- a' }), step('c', { podSpecPatch: '{"serviceAccountName": 7}' }), step('d', { podSpecPatch: { serviceAccountName: 'x' } }),
    ])]],
  ])('accepts %s', (_case, docs) => {
    expect(identities(...docs())).toEqual([]);
  });
});

describe('the executor of each step may create and patch workflowtaskresults in its namespace', () => {
  test.each<[string, () => Doc[]]>([
    ['an executor ServiceAccount with its token, bound to a Role with create and patch', () => [...allowed('exec'), workflowTemplate({ automountServiceAccountToken: false, executor: { serviceAccountName: 'exec' } })]],
    ['the pod\'s own ServiceAccount, through a ClusterRole with "*" verbs bound in the namespace', () => [
      serviceAccount('runner'), clusterRole('results', [rule(['*'])]), roleBinding('runner', { kind: 'ClusterRole', name: 'results' }, [subject('runner')]), workflowTemplate({ serviceAccountName: 'runner' }),
    ]],
    ['a ClusterRoleBinding of a ServiceAccount of the namespace', () => [
      serviceAccount('runner'), clusterRole('results'), clusterRoleBinding('results', { kind: 'ClusterRole', name: 'results' }, [subject('runner')]), workflowTemplate({ serviceAccountName: 'runner' }),
    ]],
    ['"*" as API group and as resource', () => [serviceAccount('runner'), role('r', [rule(['create', 'patch'], ['*'], ['*'])]), roleBinding('r', { kind: 'Role', name: 'r' }, [subject('runner')]), workflowTemplate({ serviceAccountName: 'runner' })]],
    ['create and patch from two rules and two bindings', () => [
      serviceAccount('runner'), role('c', [rule(['get']), rule(['create'], ['pods', 'workflowtaskresults'])]), role('p', [rule(['patch'], ['workflowtaskresults'], ['', 'argoproj.io'])]),
      roleBinding('c', { kind: 'Role', name: 'c' }, [subject('runner')]), roleBinding('p', { kind: 'Role', name: 'p' }, [{ kind: 'User', name: 'runner' }, { kind: 'ServiceAccount', name: 'runner' }]),
      workflowTemplate({ serviceAccountName: 'runner' }),
    ]],
    ['a template\'s own ServiceAccount, while the spec\'s may not report', () => [serviceAccount('plain'), serviceAccount('runner'), role('r'), roleBinding('r', { kind: 'Role', name: 'r' }, [subject('runner')]),
      workflowTemplate({ serviceAccountName: 'plain' }, [step('main', { serviceAccountName: 'runner' })])]],
    ['the ServiceAccount of a template\'s podSpecPatch over the template\'s', () => [serviceAccount('plain'), serviceAccount('runner'), role('r'), roleBinding('r', { kind: 'Role', name: 'r' }, [subject('runner')]),
      workflowTemplate({}, [step('main', { serviceAccountName: 'plain', podSpecPatch: '{"serviceAccountName":"runner"}' })])]],
    ['the ServiceAccount of the spec\'s podSpecPatch over the spec\'s', () => [serviceAccount('plain'), serviceAccount('runner'), role('r'), roleBinding('r', { kind: 'Role', name: 'r' }, [subject('runner')]),
      workflowTemplate({ serviceAccountName: 'plain', podSpecPatch: 'serviceAccountName: runner' })]],
    ['a template\'s executor over the spec\'s', () => [...allowed('exec'), serviceAccount('plain'), workflowTemplate({ executor: { serviceAccountName: 'plain' } }, [step('main', { executor: { serviceAccountName: 'exec' } })])]],
    ['a template that mounts its token while the spec does not', () => [...allowed('runner'), workflowTemplate({ serviceAccountName: 'runner', automountServiceAccountToken: false }, [step('main', { automountServiceAccountToken: true })])]],
    ['every kind of pod template', () => [...allowed('exec'), workflowTemplate({ executor: { serviceAccountName: 'exec' } }, [
      { name: 'c', container: { image: 'busybox:1.36.1' } }, { name: 's', script: SCRIPT }, { name: 'cs', containerSet: { containers: [] } },
      { name: 'r', resource: { action: 'get' } }, { name: 'd', data: { source: {} } },
    ])]],
    ['a ClusterRoleBinding with a stray namespace binds in every namespace', () => [...allowed('exec').filter((d) => d.kind !== 'RoleBinding'),
      { ...clusterRoleBinding('exec', { kind: 'ClusterRole', name: 'results' }, [subject('exec')]), metadata: { name: 'exec', namespace: 'other' } }, clusterRole('results'),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })]],
    ['a ServiceAccount whose secrets list is empty: the token Secret of its name', () => [...allowed('exec').filter((d) => d.kind !== 'ServiceAccount'), serviceAccount('exec', { secrets: [] }),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })]],
    ['a workflow and its ServiceAccount both without a namespace', () => [{ ...serviceAccount('runner'), metadata: { name: 'runner' } }, { ...role('r'), metadata: { name: 'r' } },
      { ...roleBinding('r', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'runner' }]), metadata: { name: 'r' } }, { ...workflowTemplate({ serviceAccountName: 'runner' }), metadata: { name: 'w' } }]],
    ['objects without metadata among the others', () => [...allowed('exec'), { apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: RBAC, kind: 'RoleBinding', roleRef: { kind: 'ClusterRole', name: 'none' }, subjects: [subject('exec')] },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', spec: { templates: [{ name: 'main', steps: [] }] } }, workflowTemplate({ executor: { serviceAccountName: 'exec' } })]],
    ['the token Secret named by the ServiceAccount\'s secrets', () => [serviceAccount('exec', { secrets: [{ name: 'exec-token' }] }), tokenSecret('exec', 'exec-token'), role('exec'),
      roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })]],
    ['the token Secret named by the ServiceAccount\'s annotation', () => [serviceAccount('exec', { metadata: { name: 'exec', namespace: NS, annotations: { 'workflows.argoproj.io/service-account-token.name': 'exec-token' } } }),
      tokenSecret('exec', 'exec-token'), role('exec'), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })]],
  ])('accepts %s', (_case, docs) => {
    expect(identities(...docs())).toEqual([]);
  });

  test.each<[string, () => Doc[], string[]]>([
    ['refuses a template that runs as the namespace\'s default ServiceAccount', () => [workflowTemplate({})], [`${W} spec.templates[0]: ${DEFAULT()}`]],
    ['refuses a template without executor that mounts no token', () => [...allowed('runner'), workflowTemplate({ serviceAccountName: 'runner', automountServiceAccountToken: false })],
      [`${W} spec.templates[0]: ${NO_TOKEN_MOUNT()}`]],
    ['refuses a template that itself mounts no token, without executor', () => [...allowed('runner'), workflowTemplate({ serviceAccountName: 'runner' }, [step('main', { automountServiceAccountToken: false })])],
      [`${W} spec.templates[0]: ${NO_TOKEN_MOUNT()}`]],
    ['refuses an executor whose Role may only create', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec', [rule(['create'])]), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses an executor bound in another namespace', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec', undefined, 'other'), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')], 'other'),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a binding to a Role of another namespace', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec', undefined, 'other'), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a binding of a ServiceAccount of another namespace', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec'), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec', 'other')]),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a Role on another API group or resource', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec', [rule(['create', 'patch'], ['workflowtaskresults'], ['']), rule(['create', 'patch'], ['workflows'])]),
      roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a Role without rules, or rules without fields', () => [serviceAccount('exec'), tokenSecret('exec'), { ...role('a'), rules: undefined }, role('b', [{}]),
      roleBinding('a', { kind: 'Role', name: 'a' }, [subject('exec')]), roleBinding('b', { kind: 'Role', name: 'b' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
    [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a binding to a ClusterRole that does not exist, or to a Role by a ClusterRole\'s name', () => [serviceAccount('exec'), tokenSecret('exec'), clusterRole('results'),
      roleBinding('a', { kind: 'ClusterRole', name: 'nope' }, [subject('exec')]), roleBinding('b', { kind: 'Role', name: 'results' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
    [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a ClusterRole of another API version', () => [serviceAccount('exec'), tokenSecret('exec'), { ...clusterRole('results'), apiVersion: 'rbac.authorization.k8s.io/v1beta1' },
      roleBinding('a', { kind: 'ClusterRole', name: 'results' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses bindings that are no RBAC bindings or bind no ServiceAccount', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec'),
      { ...roleBinding('a', { kind: 'Role', name: 'exec' }, [subject('exec')]), apiVersion: 'v1' }, { ...roleBinding('b', { kind: 'Role', name: 'exec' }, [subject('exec')]), kind: 'Binding' },
      roleBinding('c', { kind: 'Role', name: 'exec' }, [{ kind: 'Group', name: 'exec', namespace: NS }, { kind: 'ServiceAccount', namespace: NS }]), { ...roleBinding('d', { kind: 'Role', name: 'exec' }, []), subjects: undefined },
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a ClusterRoleBinding to a Role', () => [serviceAccount('exec'), tokenSecret('exec'), role('exec'), clusterRoleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses the pod\'s ServiceAccount, naming the field that names it', () => [serviceAccount('runner'), workflowTemplate({ serviceAccountName: 'runner' })], [`${W} spec.serviceAccountName: ${CANNOT('runner')}`]],
    ['refuses a template\'s ServiceAccount at the template', () => [serviceAccount('runner'), workflowTemplate({}, [step('main', { serviceAccountName: 'runner' })])], [`${W} spec.templates[0].serviceAccountName: ${CANNOT('runner')}`]],
    ['refuses a template\'s executor at the template', () => [serviceAccount('exec'), tokenSecret('exec'), workflowTemplate({}, [step('main', { executor: { serviceAccountName: 'exec' } })])],
      [`${W} spec.templates[0].executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses the spec\'s executor at the spec, over a template\'s ServiceAccount', () => [serviceAccount('exec'), tokenSecret('exec'), ...allowed('runner'), workflowTemplate({ executor: { serviceAccountName: 'exec' } }, [step('main', { serviceAccountName: 'runner' })])],
      [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses an executor without its token Secret', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses a token Secret of another type', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), tokenSecret('exec', undefined, { type: 'Opaque' }), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses a token Secret of another ServiceAccount', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), tokenSecret('other', 'exec.service-account-token'), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses a token Secret without annotations, or of another API version', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), { ...tokenSecret('exec'), metadata: { name: 'exec.service-account-token', namespace: NS } },
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses a token that is a ConfigMap, not a Secret', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), { ...tokenSecret('exec'), kind: 'ConfigMap' }, workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses a Role of another API version', () => [serviceAccount('exec'), tokenSecret('exec'), { ...role('exec'), apiVersion: 'rbac.authorization.k8s.io/v1beta1' }, roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]),
      workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`]],
    ['refuses a token Secret of another API version', () => [...allowed('exec').filter((d) => d.kind !== 'Secret'), { ...tokenSecret('exec'), apiVersion: 'v2' }, workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['refuses the token Secret the ServiceAccount\'s secrets name, when missing', () => [serviceAccount('exec', { secrets: [{ name: 'exec-token' }] }), tokenSecret('exec'), role('exec'),
      roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })], [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec', 'exec-token')}`]],
    ['refuses the token Secret the annotation names, when missing', () => [serviceAccount('exec', { metadata: { name: 'exec', namespace: NS, annotations: { 'workflows.argoproj.io/service-account-token.name': 'exec-token' } } }),
      tokenSecret('exec'), role('exec'), roleBinding('exec', { kind: 'Role', name: 'exec' }, [subject('exec')]), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
    [`${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec', 'exec-token')}`]],
    ['refuses both the verbs and the token of an executor', () => [serviceAccount('exec'), workflowTemplate({ executor: { serviceAccountName: 'exec' } })],
      [`${W} spec.executor.serviceAccountName: ${CANNOT('exec')}`, `${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`]],
    ['reports a problem of a shared field once, and per template where the message differs', () => [serviceAccount('exec'), workflowTemplate({ executor: { serviceAccountName: 'exec' } }, [step('a'), step('b')])], [
      `${W} spec.executor.serviceAccountName: ${CANNOT('exec', 'a')}`, `${W} spec.executor.serviceAccountName: ${NO_TOKEN('exec')}`, `${W} spec.executor.serviceAccountName: ${CANNOT('exec', 'b')}`,
    ]],
    ['checks each workflow in its own namespace', () => [...allowed('exec'), { ...workflowTemplate({ executor: { serviceAccountName: 'exec' } }), metadata: { name: 'w', namespace: 'other' } }],
      [`${W} spec.executor.serviceAccountName: ${MISSING('exec').replace('"ci"', '"other"')}`]],
    ['a workflow without a namespace looks in ""', () => [...allowed('exec'), { ...workflowTemplate({ serviceAccountName: 'exec' }), metadata: { name: 'w' } }],
      [`${W} spec.serviceAccountName: ${MISSING('exec').replace('"ci"', '""')}`]],
  ])('%s', (_case, docs, expected) => {
    expect(identities(...docs())).toEqual(expected);
  });

  test('a workflow without spec or templates has nothing to check', () => {
    expect(identities({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w', namespace: NS } })).toEqual([]);
    expect(identities({ apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', metadata: { name: 'w', namespace: NS }, spec: {} })).toEqual([]);
    expect(identities({ apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', metadata: { name: 'w', namespace: NS } })).toEqual([]);
  });
});
