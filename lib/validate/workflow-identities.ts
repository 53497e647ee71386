import type * as YAML from 'yaml';
import { describe, Manifest } from './manifest';
import { Problem } from './problem';

/**
 * Identities of Argo Workflows: every ServiceAccount a WorkflowTemplate names (spec, templates,
 * executors, podSpecPatch) exists in its namespace, and the account that runs each step's executor
 * containers may create and patch `workflowtaskresults` there -- without that, Argo Workflows
 * (v3.5 and later) cannot record a step's outputs and the workflow hangs or fails on a stock cluster.
 * As the controller does (workflowpod.go setupServiceAccount), a step whose token is not mounted
 * needs `executor.serviceAccountName`, and the executor's token comes from the Secret
 * `<name>.service-account-token` (util/secrets TokenNameForServiceAccount).
 */

const TASK_RESULTS = { group: 'argoproj.io', resource: 'workflowtaskresults', verbs: ['create', 'patch'] };
const WORKFLOW_KINDS = new Set(['WorkflowTemplate', 'Workflow', 'CronWorkflow']);

interface Rule { readonly apiGroups?: string[]; readonly resources?: string[]; readonly verbs?: string[] }

/** The verbs `rules` grant on a group/resource, '*' included. */
function grantedVerbs(rules: Rule[], group: string, resource: string): Set<string> {
  const verbs = new Set<string>();
  for (const r of rules ?? []) {
    const groups = r.apiGroups ?? [];
    const resources = r.resources ?? [];
    if (!(groups.includes(group) || groups.includes('*'))) continue;
    if (!(resources.includes(resource) || resources.includes('*'))) continue;
    for (const v of r.verbs ?? []) verbs.add(v);
  }
  return verbs;
}

/** Everything the rule needs from the output, indexed once. */
class Identities {
  private readonly serviceAccounts = new Map<string, any>();
  private readonly secrets = new Map<string, any>();
  private readonly roles = new Map<string, Rule[]>();
  private readonly clusterRoles = new Map<string, Rule[]>();
  /** `namespace/serviceaccount` -> rules bound to it (RoleBindings in that namespace, ClusterRoleBindings). */
  private readonly bound = new Map<string, { namespace?: string; rules: () => Rule[] }[]>();

  constructor(manifests: Manifest[]) {
    const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
    for (const { doc } of manifests) {
      const ns = doc.metadata?.namespace;
      const name = doc.metadata?.name;
      if (doc.apiVersion === 'v1' && doc.kind === 'ServiceAccount') this.serviceAccounts.set(key(ns, name), doc);
      if (doc.apiVersion === 'v1' && doc.kind === 'Secret') this.secrets.set(key(ns, name), doc);
      if (doc.apiVersion === 'rbac.authorization.k8s.io/v1' && doc.kind === 'Role') this.roles.set(key(ns, name), doc.rules ?? []);
      if (doc.apiVersion === 'rbac.authorization.k8s.io/v1' && doc.kind === 'ClusterRole') this.clusterRoles.set(name, doc.rules ?? []);
    }
    for (const { doc } of manifests) {
      if (doc.apiVersion !== 'rbac.authorization.k8s.io/v1' || !['RoleBinding', 'ClusterRoleBinding'].includes(doc.kind)) continue;
      const ns = doc.kind === 'RoleBinding' ? doc.metadata?.namespace : undefined;
      const ref = doc.roleRef ?? {};
      const rules = () => (ref.kind === 'Role' ? this.roles.get(key(ns, ref.name)) : this.clusterRoles.get(ref.name)) ?? [];
      for (const s of doc.subjects ?? []) {
        if (s.kind !== 'ServiceAccount' || !s.name) continue;
        const subject = key(s.namespace ?? ns, s.name);
        const list = this.bound.get(subject) ?? [];
        list.push({ namespace: ns, rules });
        this.bound.set(subject, list);
      }
    }
  }

  public serviceAccount(ns: string, name: string): any {
    return this.serviceAccounts.get(`${ns}/${name}`);
  }

  /** Whether `name` in `ns` may do every verb of `TASK_RESULTS` in `ns`. */
  public canReportResults(ns: string, name: string): boolean {
    const verbs = new Set<string>();
    for (const b of this.bound.get(`${ns}/${name}`) ?? []) {
      if (b.namespace !== undefined && b.namespace !== ns) continue;
      for (const v of grantedVerbs(b.rules(), TASK_RESULTS.group, TASK_RESULTS.resource)) verbs.add(v);
    }
    return verbs.has('*') || TASK_RESULTS.verbs.every((v) => verbs.has(v));
  }

  /** The token Secret Argo Workflows mounts for an executor ServiceAccount, when it is in the output. */
  public tokenSecret(ns: string, sa: any): { name: string; found: boolean } {
    const name = sa.secrets?.[0]?.name ?? sa.metadata?.annotations?.['workflows.argoproj.io/service-account-token.name'] ?? `${sa.metadata.name}.service-account-token`;
    const secret = this.secrets.get(`${ns}/${name}`);
    const found = secret?.type === 'kubernetes.io/service-account-token'
      && secret.metadata?.annotations?.['kubernetes.io/service-account.name'] === sa.metadata.name;
    return { name, found };
  }
}

/** The serviceAccountName a podSpecPatch (JSON or YAML) sets, if any. */
function patchedServiceAccount(patch: unknown): string | undefined {
  if (typeof patch !== 'string' || !patch.trim()) return undefined;
  try {
    // Loaded here, where a Workflow has a podSpecPatch: a synth does not need the YAML library otherwise.
    const parsed = (require('yaml') as typeof YAML).parse(patch);
    return typeof parsed?.serviceAccountName === 'string' ? parsed.serviceAccountName : undefined;
  } catch {
    return undefined;
  }
}

export function checkWorkflowServiceAccounts(manifests: Manifest[]): Problem[] {
  const workflows = manifests.filter((m) => WORKFLOW_KINDS.has(m.doc?.kind) && m.doc?.apiVersion === 'argoproj.io/v1alpha1');
  if (!workflows.length) return [];
  const ids = new Identities(manifests);
  const problems: Problem[] = [];

  for (const m of workflows) {
    const ns: string = m.doc.metadata?.namespace ?? '';
    const specPath = m.doc.kind === 'CronWorkflow' ? 'spec.workflowSpec' : 'spec';
    const spec = (m.doc.kind === 'CronWorkflow' ? m.doc.spec?.workflowSpec : m.doc.spec) ?? {};
    const report = (path: string, message: string) => problems.push({ object: describe(m), path, message });
    /** A named ServiceAccount must exist in the namespace. */
    const exists = (name: string | undefined, path: string): void => {
      // A name with an expression is refused as such (workflow-injection.ts), once.
      if (name && !name.includes('{{') && !ids.serviceAccount(ns, name)) {
        report(path, `ServiceAccount "${name}" does not exist in namespace "${ns}": generate it (with its Role and RoleBinding) or name one that exists`);
      }
    };

    const specSa = spec.serviceAccountName;
    const specExecutor = spec.executor?.serviceAccountName;
    const specPatchSa = patchedServiceAccount(spec.podSpecPatch);
    exists(specSa, `${specPath}.serviceAccountName`);
    exists(specExecutor, `${specPath}.executor.serviceAccountName`);
    exists(specPatchSa, `${specPath}.podSpecPatch`);

    (spec.templates ?? []).forEach((t: any, i: number) => {
      // Only templates that run a pod have an executor.
      if (!(t.container || t.script || t.containerSet || t.resource || t.data)) return;
      const at = `${specPath}.templates[${i}]`;
      exists(t.serviceAccountName, `${at}.serviceAccountName`);
      exists(t.executor?.serviceAccountName, `${at}.executor.serviceAccountName`);
      const tPatchSa = patchedServiceAccount(t.podSpecPatch);
      exists(tPatchSa, `${at}.podSpecPatch`);

      const executor = t.executor?.serviceAccountName || specExecutor;
      const automount = t.automountServiceAccountToken ?? spec.automountServiceAccountToken;
      if (!executor && automount === false) {
        report(`${at}`, `template "${t.name}" mounts no ServiceAccount token (automountServiceAccountToken: false) but names no executor.serviceAccountName: Argo Workflows refuses to run it`);
        return;
      }
      const pod = tPatchSa ?? t.serviceAccountName ?? specPatchSa ?? specSa;
      const identity = executor ?? pod;
      const where = t.executor?.serviceAccountName ? `${at}.executor.serviceAccountName`
        : specExecutor ? `${specPath}.executor.serviceAccountName`
          : t.serviceAccountName ? `${at}.serviceAccountName` : `${specPath}.serviceAccountName`;
      if (!identity) {
        report(at, `template "${t.name}" runs as the namespace's "default" ServiceAccount, which has no permission on workflowtaskresults: name a ServiceAccount (executor.serviceAccountName) bound to a Role that may create and patch them`);
        return;
      }
      const sa = ids.serviceAccount(ns, identity);
      if (!sa) return; // reported above
      if (!ids.canReportResults(ns, identity)) {
        report(where, `ServiceAccount "${identity}" runs the executor of template "${t.name}" but may not create and patch workflowtaskresults.argoproj.io in "${ns}": bind it to a Role with those verbs`);
      }
      if (executor) {
        const token = ids.tokenSecret(ns, sa);
        if (!token.found) {
          report(where, `Argo Workflows mounts the token of executor ServiceAccount "${identity}" from the Secret "${token.name}" (type kubernetes.io/service-account-token, annotation kubernetes.io/service-account.name: ${identity}), which is not generated`);
        }
      }
    });
  }
  // One problem per field, even when several templates share it.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.object} ${p.path} ${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
