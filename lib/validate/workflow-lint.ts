import { IMAGE_DIGEST_EXEMPTION } from '../rules/exemptions';
import { pinnedByDigest } from '../rules/images';
import * as field from './field-path';
import { Problem } from './problem';
import { lintParameters } from './workflow-calls';
import { dagNodes, stepNodes, TemplateNodes } from './workflow-dag';
import { checkTemplateReferences, Scope } from './workflow-expressions';
import {
  exemptExpressions, imageHasExpression, lintControllerSetting, lintSpecExpressions, lintTemplateExpressions, literalImage, templateContainers,
} from './workflow-injection';
import { array, DocContext, isObject, Json, quoted, names, TEMPLATE_TYPES, templateTypes } from './workflow-model';

export { TEMPLATE_TYPES } from './workflow-model';
export { taskDependencies } from './workflow-dag';

/**
 * Offline checks of Argo WorkflowTemplates, in the spirit of `argo lint`, over the plain JSON
 * documents: the mistakes that the CRD schema cannot see and that otherwise only show up when a
 * workflow runs (a step calling a template that does not exist, a parameter that resolves to
 * nothing, a missing argument) plus the platform's rules: no step is privileged, every step image is
 * pinned by digest, no `when:` splices a parameter into its expression, no field that picks code,
 * an image, an identity or a Secret holds an expression, and a WorkflowTemplate that holds
 * credentials declares the controller setting that keeps submitters to it (workflow-injection.ts).
 *
 * This file walks the documents and their templates; the calls (workflow-calls.ts), the order of
 * steps and tasks (workflow-dag.ts) and the `{{...}}` references (workflow-expressions.ts) are
 * checked beside it, over the model of workflow-model.ts, with paths from field-path.ts.
 */

export { IMAGE_DIGEST_EXEMPTION } from '../rules/exemptions';

/** The images a WorkflowTemplate's exemption annotation lists (before the first ": "). */
function exemptImages(doc: Json): Set<string> {
  const value = doc?.metadata?.annotations?.[IMAGE_DIGEST_EXEMPTION];
  if (typeof value !== 'string') return new Set();
  const at = value.indexOf(': ');
  if (at < 0 || value.slice(at + 2).trim() === '') return new Set();
  return new Set(value.slice(0, at).split(/\s+/).filter(Boolean));
}

/** A template that lives outside the linted documents, e.g. in a WorkflowTemplate installed separately. */
export interface ExternalTemplate {
  /** Name of the WorkflowTemplate (or ClusterWorkflowTemplate). */
  readonly name: string;
  /** Name of the template inside it. */
  readonly template: string;
}

export interface WorkflowLintOptions {
  /** Targets of `templateRef` that are allowed although they are not among the documents. */
  readonly external?: ReadonlyArray<ExternalTemplate>;
}

/** Argo refuses a workflow with more templates than this: the CRD's `maxItems: 200` on spec.templates (v4.1.2 pkg/apis/workflow/v1alpha1/workflow_types.go, `+kubebuilder:validation:MaxItems=200`). */
export const MAX_TEMPLATES = 200;

export function lintWorkflowTemplates(docs: Json[], options: WorkflowLintOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const wfts = docs.filter((d) => isObject(d) && d.kind === 'WorkflowTemplate');

  // WorkflowTemplate name -> template name -> template (the first of that name).
  const index = new Map<string, Map<string, Json>>();
  for (const doc of wfts) {
    const name = doc.metadata?.name;
    if (typeof name !== 'string' || index.has(name)) continue;
    const byName = new Map<string, Json>();
    for (const t of array(doc.spec?.templates)) {
      if (isObject(t) && typeof t.name === 'string' && !byName.has(t.name)) byName.set(t.name, t);
    }
    index.set(name, byName);
  }
  const external = new Set((options.external ?? []).map((e) => `${e.name}/${e.template}`));

  for (const doc of wfts) {
    lintDocument(doc, index, external, problems);
  }
  return problems;
}

function lintDocument(doc: Json, index: Map<string, Map<string, Json>>, external: Set<string>, problems: Problem[]): void {
  const docName = typeof doc.metadata?.name === 'string' ? doc.metadata.name : '<unnamed>';
  const object = `WorkflowTemplate ${docName}`;
  const report = (path: string, message: string) => problems.push({ object, path, message });
  const spec = isObject(doc.spec) ? doc.spec : {};
  const templates = array(spec.templates);
  const own = index.get(docName) ?? new Map<string, Json>();

  if (templates.length === 0) {
    report('spec.templates', 'has no templates: add at least the entrypoint template');
  }
  if (templates.length > MAX_TEMPLATES) {
    report('spec.templates', `has ${templates.length} templates; Argo allows at most ${MAX_TEMPLATES}: split it into several WorkflowTemplates joined by templateRef`);
  }

  const seen = new Map<string, number>();
  templates.forEach((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string' || t.name === '') {
      report(`spec.templates[${i}].name`, 'template has no name: give it a unique name');
      return;
    }
    if (seen.has(t.name)) {
      report(`spec.templates[${i}].name`, `template name "${t.name}" is already used by spec.templates[${seen.get(t.name)}]: template names must be unique`);
    } else {
      seen.set(t.name, i);
    }
  });

  for (const entry of ['entrypoint', 'onExit'] as const) {
    const value = spec[entry];
    if (value !== undefined && (typeof value !== 'string' || !own.has(value))) {
      report(field.child('spec', entry), `${entry} "${value}" is not a template of this WorkflowTemplate: use one of ${quoted(own.keys())}`);
    }
  }

  lintParameters(array(spec.arguments?.parameters), 'spec.arguments.parameters', 'workflow parameter', report);
  const workflowParameters = names(array(spec.arguments?.parameters));

  const exempt = exemptImages(doc);
  const expressions = exemptExpressions(doc);
  lintControllerSetting(doc, report);
  lintSpecExpressions(spec, expressions, report);
  templates.forEach((t, i) => {
    if (isObject(t)) lintTokenless(t, spec, `spec.templates[${i}]`, report);
  });
  templates.forEach((t, i) => {
    if (isObject(t)) {
      lintTemplate(t, `spec.templates[${i}]`, { object, docName, own, index, external, workflowParameters, exempt, exemptExpressions: expressions, report });
    }
  });
}

/** One template: one type, well-formed parameters, safe containers, its calls, order and references. */
function lintTemplate(t: Json, path: string, ctx: DocContext): void {
  const label = `template "${t.name}"`;
  const report = ctx.report;

  const types = templateTypes(t);
  if (types.length === 0) {
    report(path, `${label} has no template type: set exactly one of ${TEMPLATE_TYPES.join(', ')}`);
  } else if (types.length > 1) {
    report(path, `${label} has ${types.length} template types (${types.join(', ')}): keep exactly one`);
  }

  lintParameters(array(t.inputs?.parameters), field.child(path, 'inputs', 'parameters'), `${label}: input parameter`, report);
  lintParameters(array(t.outputs?.parameters), field.child(path, 'outputs', 'parameters'), `${label}: output parameter`, report);
  lintContainers(t, path, label, ctx, report);
  lintTemplateExpressions(t, path, label, ctx.exemptExpressions, report);

  const nodes: TemplateNodes = { nodes: new Map(), scopes: [] };
  let kind: Scope['kind'];
  if (t.steps !== undefined) {
    kind = 'steps';
    stepNodes(t, path, label, ctx, nodes);
  }
  if (t.dag !== undefined) {
    kind = 'tasks';
    dagNodes(t, path, label, ctx, nodes);
  }
  checkTemplateReferences(t, path, label, kind, nodes, ctx);
}


/**
 * No privileged container and no privilege escalation, in every container of the template; every
 * image pinned by digest (a tag can be moved to other bytes), unless the WorkflowTemplate lists it
 * in its exemption annotation with a reason.
 */
function lintContainers(t: Json, path: string, label: string, ctx: DocContext, report: DocContext['report']): void {
  for (const [c, at] of templateContainers(t, path)) {
    const sc = isObject(c) ? c.securityContext : undefined;
    const name = isObject(c) && typeof c.name === 'string' ? ` container "${c.name}"` : '';
    if (sc?.privileged === true) {
      report(field.child(at, 'securityContext', 'privileged'), `${label}${name} is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)`);
    }
    if (sc?.allowPrivilegeEscalation === true) {
      report(field.child(at, 'securityContext', 'allowPrivilegeEscalation'), `${label}${name} allows privilege escalation: set allowPrivilegeEscalation to false or remove it`);
    }
    const image = isObject(c) ? c.image : undefined;
    // An image with an expression is refused once, as an expression (workflow-injection.ts); with
    // an accepted one, the digest rule reads what is left (`node:latest{{=''}}` is `node:latest`).
    if (typeof image === 'string' && !imageHasExpression(image, ctx.exemptExpressions)
      && !pinnedByDigest(literalImage(image)) && !ctx.exempt.has(image) && !ctx.exempt.has(literalImage(image))) {
      report(field.child(at, 'image'), `${label}${name}: image "${image}" is not pinned by digest: write repository:tag@sha256:<digest> (a tag can be moved to other bytes), or list it in the annotation ${IMAGE_DIGEST_EXEMPTION} ("<image>: <reason>")`);
    }
  }
}

/**
 * A pod without its ServiceAccount token needs a token for the executor: Argo Workflows refuses to
 * create it otherwise ("executor.serviceAccountName must not be empty if automountServiceAccountToken
 * is false", workflow/controller/workflowpod.go, setupServiceAccount). Template fields win over
 * the spec's.
 */
function lintTokenless(t: Json, spec: Json, path: string, report: DocContext['report']): void {
  if (templateTypes(t).every((type) => !['container', 'containerSet', 'script'].includes(type))) return;
  const automount = t.automountServiceAccountToken ?? spec.automountServiceAccountToken;
  const executor = t.executor?.serviceAccountName || spec.executor?.serviceAccountName;
  if (automount === false && !executor) {
    report(field.child(path, 'executor', 'serviceAccountName'), `template "${t.name}" mounts no ServiceAccount token but names no executor ServiceAccount: Argo refuses to run it; set executor.serviceAccountName (a ServiceAccount allowed to create and patch workflowtaskresults)`);
  }
}
