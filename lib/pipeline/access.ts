import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Environment } from '../platform';

/** The ServiceAccounts of the pipeline, one per role. */
export interface PipelineServiceAccounts {
  /** The Argo executor (init and wait containers of every step): reports step results. */
  readonly executor: string;
  /** The step that waits for a Rollout: reads Rollouts and Deployments in the app namespaces. */
  readonly wait: string;
  /** The promote step: patches Rollouts and their status in the app namespaces. */
  readonly promote: string;
  /** The abort step: patches the status of Rollouts in the app namespaces. */
  readonly abort: string;
}

export interface PipelineAccessProps {
  /** Namespace of the workflows (and of the ServiceAccounts). */
  readonly namespace: string;
  /** Generate that Namespace, labelled for the build pods. */
  readonly createNamespace: boolean;
  readonly serviceAccounts: PipelineServiceAccounts;
  /** `app.kubernetes.io/part-of` of the generated objects. */
  readonly partOf: string;
  /**
   * Environments the pipeline reaches through Argo CD's API (they run on another cluster): no
   * Kubernetes Roles there, the Argo CD project role stands in for them.
   * @default none
   */
  readonly throughArgoCd?: ReadonlySet<string>;
}

/** Why the pipeline namespace cannot enforce "restricted", written on the Namespace itself. */
export const PRIVILEGED_REASON = 'Rootless BuildKit (step build-image) needs Unconfined seccomp and AppArmor profiles and '
  + 'the SETUID/SETGID capabilities for its user namespace, which only the "privileged" level admits; '
  + 'it never runs privileged or as root. Every other namespace of the platform enforces "restricted".';
export const REASON_ANNOTATION = 'platform/pod-security-reason';

const ROLLOUTS = 'argoproj.io';

/** The Kubernetes API permissions of each role: exactly the requests its step makes. */
function rules(role: 'wait' | 'promote' | 'abort'): k8s.PolicyRule[] {
  switch (role) {
    // wait-rollout.sh: `kubectl get` of the Rollout and of the Deployment its workloadRef names.
    case 'wait': return [
      { apiGroups: [ROLLOUTS], resources: ['rollouts'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ];
    // `kubectl argo rollouts promote` (argo-rollouts cmd/promote/promote.go): get, then merge
    // patches of the spec (unpause) and of the status subresource (pause conditions, full promotion).
    case 'promote': return [
      { apiGroups: [ROLLOUTS], resources: ['rollouts'], verbs: ['get', 'patch'] },
      { apiGroups: [ROLLOUTS], resources: ['rollouts/status'], verbs: ['patch'] },
    ];
    // abort-rollout.sh: one merge patch of the status subresource, as cmd/abort/abort.go does.
    case 'abort': return [
      { apiGroups: [ROLLOUTS], resources: ['rollouts/status'], verbs: ['patch'] },
    ];
  }
}

/**
 * The identities of the pipeline on a stock cluster:
 *
 * - in the pipeline namespace: the Namespace itself (Pod Security "privileged" for rootless
 *   BuildKit, with the reason as an annotation), one ServiceAccount per role, and the executor's
 *   Role (`workflowtaskresults` create and patch, what Argo Workflows' wait container needs) with
 *   the token Secret Argo mounts into the executor containers of steps without a token of their own;
 * - in each Environment's namespace (written to that environment's folder, `<pipeline id>-access.yaml`):
 *   the Roles and RoleBindings of the wait, promote and abort steps.
 *
 * Environments on another cluster than the pipeline's get no Roles: the pipeline reaches them
 * through Argo CD, with the project role ArgoCdBootstrap generates. Nothing cluster-wide. Environments are found when the construct is created: create the pipeline
 * after every Environment (a later one fails the synth).
 */
export class PipelineAccess extends Construct {
  /** The Roles bound in each environment, by environment name. */
  public readonly environments: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: PipelineAccessProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/part-of': props.partOf, 'app.kubernetes.io/managed-by': 'cdk8s' };
    const sa = props.serviceAccounts;
    const ns = props.namespace;

    if (props.createNamespace) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: {
          name: ns,
          labels: {
            ...labels,
            'pod-security.kubernetes.io/enforce': 'privileged',
            'pod-security.kubernetes.io/enforce-version': 'v1.27',
            // Every pod that falls short of "restricted" is still reported.
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/audit-version': 'v1.27',
          },
          annotations: { [REASON_ANNOTATION]: PRIVILEGED_REASON },
        },
      });
    }

    for (const [role, name] of Object.entries(sa)) {
      new k8s.KubeServiceAccount(this, `sa-${role}`, {
        metadata: { name, namespace: ns, labels },
        // The executor's token reaches only the executor containers, through the Secret below.
        automountServiceAccountToken: role === 'executor' ? false : undefined,
      });
    }
    // Argo Workflows mounts executor.serviceAccountName's token from this Secret
    // (util/secrets TokenNameForServiceAccount: "<name>.service-account-token"); Kubernetes fills it.
    new k8s.KubeSecret(this, 'executor-token', {
      metadata: {
        name: `${sa.executor}.service-account-token`,
        namespace: ns,
        labels,
        annotations: { 'kubernetes.io/service-account.name': sa.executor },
      },
      type: 'kubernetes.io/service-account-token',
    });
    // The minimum for the executor from Argo Workflows 3.4 on (docs/workflow-rbac.md).
    new k8s.KubeRole(this, 'executor-role', {
      metadata: { name: sa.executor, namespace: ns, labels },
      rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'executor-binding', {
      metadata: { name: sa.executor, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa.executor },
      subjects: [{ kind: 'ServiceAccount', name: sa.executor, namespace: ns }],
    });

    const environments = new Set<string>();
    for (const env of scope.node.root.node.findAll().filter(Environment.isEnvironment)) {
      environments.add(env.name);
      // Another cluster: no ServiceAccount of the pipeline exists there to bind.
      if (props.throughArgoCd?.has(env.name)) continue;
      // A child of the Environment: written to its folder, in its namespace.
      const access = new Construct(env, `${scope.node.id}-access`);
      for (const role of ['wait', 'promote', 'abort'] as const) {
        const name = sa[role];
        new k8s.KubeRole(access, `${role}-role`, { metadata: { name, namespace: env.namespace, labels }, rules: rules(role) });
        new k8s.KubeRoleBinding(access, `${role}-binding`, {
          metadata: { name, namespace: env.namespace, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
        });
      }
    }
    this.environments = environments;
    this.node.addValidation({
      validate: () => this.node.root.node.findAll().filter(Environment.isEnvironment)
        .filter((e) => !environments.has(e.name))
        .map((e) => `PipelineTemplate: Environment "${e.name}" was created after the pipeline, so its namespace has no pipeline Roles: create the PipelineTemplate after every Environment`),
    });
  }
}
