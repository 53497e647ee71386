import { EXEMPTION_PREFIX } from '../policy-exception';
import { Problem } from './problem';

/**
 * Offline checks of Argo WorkflowTemplates, in the spirit of `argo lint`, over the plain JSON
 * documents: the mistakes that the CRD schema cannot see and that otherwise only show up when a
 * workflow runs (a step calling a template that does not exist, a parameter that resolves to
 * nothing, a missing argument) plus the platform's rules: no step is privileged, every step image is
 * pinned by digest, and no `when:` splices a parameter into its expression.
 */

/**
 * Annotation of a WorkflowTemplate whose value lists the tag-only images it may use, then a colon
 * and the reason: an explicit, reviewed exception to the digest rule, visible in `dist/`.
 */
export const IMAGE_DIGEST_EXEMPTION = `${EXEMPTION_PREFIX}image-digest`;
const PINNED = /@sha256:[a-f0-9]{64}$/;

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

/** The template types of Argo Workflows; a template has exactly one. */
export const TEMPLATE_TYPES = ['container', 'containerSet', 'script', 'steps', 'dag', 'resource', 'suspend', 'data', 'http', 'plugin'] as const;

/** Argo refuses a workflow with more templates than this. */
export const MAX_TEMPLATES = 200;

/** Fields of a step or task node that may follow `steps.<name>.` or `tasks.<name>.` besides outputs. */
const NODE_FIELDS = new Set(['id', 'ip', 'status', 'exitCode', 'startedAt', 'finishedAt', 'hostNodeName', 'outputs']);
/** Template types that produce `outputs.result`. */
const RESULT_TYPES = new Set(['container', 'containerSet', 'script', 'data', 'http', 'plugin']);

type Json = any;

interface Node {
  /** The step or task. */
  readonly value: Json;
  readonly path: string;
  /** The template it calls, when that template is among the documents. */
  readonly callee?: Json;
  readonly calleeLabel: string;
  /** Steps: the index of its group. */
  readonly group: number;
}

interface Scope {
  readonly object: string;
  readonly templateLabel: string;
  readonly template: Json;
  readonly workflowParameters: ReadonlySet<string>;
  /** Steps or tasks of the template, by name, when it is a steps or dag template. */
  readonly nodes: Map<string, Node>;
  readonly kind: 'steps' | 'tasks' | undefined;
  /** Names that may be referenced from where the string is; undefined = all of `nodes`. */
  readonly visible?: ReadonlySet<string>;
  /** Why a node outside `visible` may not be referenced. */
  readonly visibilityHint?: string;
  readonly loop: boolean;
  readonly where: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function key(path: string, k: string): string {
  return IDENT.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function array(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
}

function quoted(names: Iterable<string>): string {
  const list = [...names].map((n) => `"${n}"`);
  return list.length ? list.join(', ') : '(none)';
}

function templateTypes(t: Json): string[] {
  return TEMPLATE_TYPES.filter((type) => isObject(t) && t[type] !== undefined && t[type] !== null);
}

/** Parameters a template requires: neither `value` nor `default` nor a `valueFrom`. */
function requiredInputs(t: Json): string[] {
  return array(t?.inputs?.parameters)
    .filter((p) => isObject(p) && typeof p.name === 'string' && p.value === undefined && p.default === undefined && p.valueFrom === undefined)
    .map((p) => p.name);
}

function names(list: Json[]): Set<string> {
  return new Set(list.filter((p) => isObject(p) && typeof p.name === 'string').map((p) => p.name));
}

/** Names of the tasks a DAG task depends on, from `dependencies` and the `depends` expression. */
export function taskDependencies(task: Json): string[] {
  const deps = array(task?.dependencies).filter((d) => typeof d === 'string');
  if (typeof task?.depends === 'string') {
    for (const term of task.depends.split(/&&|\|\|/)) {
      const name = term.replace(/[()!\s]/g, '').split('.')[0];
      if (name) deps.push(name);
    }
  }
  return [...new Set(deps)];
}

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

  for (const field of ['entrypoint', 'onExit'] as const) {
    const value = spec[field];
    if (value !== undefined && (typeof value !== 'string' || !own.has(value))) {
      report(`spec.${field}`, `${field} "${value}" is not a template of this WorkflowTemplate: use one of ${quoted(own.keys())}`);
    }
  }

  lintParameters(array(spec.arguments?.parameters), 'spec.arguments.parameters', 'workflow parameter', report);
  const workflowParameters = names(array(spec.arguments?.parameters));

  const exempt = exemptImages(doc);
  templates.forEach((t, i) => {
    if (isObject(t)) lintTokenless(t, spec, `spec.templates[${i}]`, report);
  });
  templates.forEach((t, i) => {
    if (isObject(t)) lintTemplate(t, `spec.templates[${i}]`, { object, docName, own, index, external, workflowParameters, exempt, report });
  });
}

interface DocContext {
  readonly object: string;
  readonly docName: string;
  readonly own: Map<string, Json>;
  readonly index: Map<string, Map<string, Json>>;
  readonly external: Set<string>;
  readonly workflowParameters: ReadonlySet<string>;
  /** Tag-only images that the WorkflowTemplate's exemption annotation accepts. */
  readonly exempt: ReadonlySet<string>;
  readonly report: (path: string, message: string) => void;
}

/** Parameter lists: names present and unique, every value, default and enum entry a string. */
function lintParameters(params: Json[], path: string, what: string, report: DocContext['report']): void {
  const seen = new Set<string>();
  params.forEach((p, k) => {
    const at = `${path}[${k}]`;
    if (!isObject(p) || typeof p.name !== 'string' || p.name === '') {
      report(`${at}.name`, `${what} has no name`);
      return;
    }
    if (seen.has(p.name)) report(`${at}.name`, `${what} "${p.name}" is declared twice`);
    seen.add(p.name);
    for (const field of ['value', 'default'] as const) {
      if (p[field] !== undefined && typeof p[field] !== 'string') {
        report(`${at}.${field}`, `${what} "${p.name}" has the ${typeof p[field]} ${JSON.stringify(p[field])} as ${field}: parameter values are strings, quote it ("${String(p[field])}")`);
      }
    }
    array(p.enum).forEach((e, j) => {
      if (typeof e !== 'string') report(`${at}.enum[${j}]`, `${what} "${p.name}" has the non-string enum entry ${JSON.stringify(e)}: quote it`);
    });
    if (Array.isArray(p.enum) && typeof p.value === 'string' && !p.value.includes('{{') && !p.enum.includes(p.value)) {
      report(`${at}.value`, `${what} "${p.name}" has the value "${p.value}", which is not one of its enum ${quoted(p.enum)}`);
    }
  });
}

function lintTemplate(t: Json, path: string, ctx: DocContext): void {
  const label = `template "${t.name}"`;
  const report = ctx.report;

  const types = templateTypes(t);
  if (types.length === 0) {
    report(path, `${label} has no template type: set exactly one of ${TEMPLATE_TYPES.join(', ')}`);
  } else if (types.length > 1) {
    report(path, `${label} has ${types.length} template types (${types.join(', ')}): keep exactly one`);
  }

  lintParameters(array(t.inputs?.parameters), `${path}.inputs.parameters`, `${label}: input parameter`, report);
  lintParameters(array(t.outputs?.parameters), `${path}.outputs.parameters`, `${label}: output parameter`, report);
  lintContainers(t, path, label, ctx.exempt, report);

  const nodes = new Map<string, Node>();
  let kind: Scope['kind'];
  const nodeScopes: Array<{ node: Node; visible: Set<string>; hint: string }> = [];

  if (t.steps !== undefined) {
    kind = 'steps';
    if (!Array.isArray(t.steps)) {
      report(`${path}.steps`, `${label}: steps must be a list of step groups (a list of lists)`);
    } else {
      const earlier = new Set<string>();
      t.steps.forEach((group: Json, g: number) => {
        if (!Array.isArray(group)) {
          report(`${path}.steps[${g}]`, `${label}: step group ${g} must be a list of steps`);
          return;
        }
        const visible = new Set(earlier);
        group.forEach((step: Json, s: number) => {
          const at = `${path}.steps[${g}][${s}]`;
          const node = lintCall(step, at, 'step', label, g, ctx);
          if (!node) return;
          const name = step.name as string;
          if (nodes.has(name)) {
            report(`${at}.name`, `${label}: step name "${name}" is already used at ${nodes.get(name)!.path}: step names must be unique within a template`);
            return;
          }
          nodes.set(name, node);
          nodeScopes.push({ node, visible, hint: 'only steps of earlier groups can be referenced (a step of the same group runs in parallel): move it to a later group' });
        });
        for (const step of group) if (isObject(step) && typeof step.name === 'string') earlier.add(step.name);
      });
    }
  }

  if (t.dag !== undefined) {
    kind = 'tasks';
    const tasks = array(t.dag?.tasks);
    if (tasks.length === 0) report(`${path}.dag.tasks`, `${label}: the DAG has no tasks`);
    tasks.forEach((task, k) => {
      const at = `${path}.dag.tasks[${k}]`;
      const node = lintCall(task, at, 'task', label, 0, ctx);
      if (!node) return;
      if (nodes.has(task.name)) {
        report(`${at}.name`, `${label}: task name "${task.name}" is already used at ${nodes.get(task.name)!.path}: task names must be unique within a DAG`);
        return;
      }
      nodes.set(task.name, node);
    });
    const deps = new Map<string, string[]>();
    for (const [name, node] of nodes) {
      const list = taskDependencies(node.value);
      deps.set(name, list);
      for (const d of list) {
        if (!nodes.has(d)) report(`${node.path}.${node.value.depends !== undefined ? 'depends' : 'dependencies'}`, `${label}, task "${name}": depends on task "${d}", which does not exist: use one of ${quoted(nodes.keys())}`);
      }
    }
    for (const [name, node] of nodes) {
      const ancestors = new Set<string>();
      const stack = [...(deps.get(name) ?? [])];
      while (stack.length) {
        const d = stack.pop()!;
        if (ancestors.has(d) || !nodes.has(d)) continue;
        ancestors.add(d);
        stack.push(...(deps.get(d) ?? []));
      }
      if (ancestors.has(name)) {
        report(`${node.path}.name`, `${label}, task "${name}": its dependencies form a cycle through itself: remove one of them`);
        ancestors.delete(name);
      }
      nodeScopes.push({ node, visible: ancestors, hint: `a task can only reference tasks it depends on: add it to the dependencies (or depends) of "${name}"` });
    }
  }

  // References: inside a step or task, only the nodes it may see; anywhere else in the template
  // (e.g. outputs), every node.
  const base = { object: ctx.object, templateLabel: label, template: t, workflowParameters: ctx.workflowParameters, nodes, kind, loop: false };
  for (const { node, visible, hint } of nodeScopes) {
    const loop = node.value.withItems !== undefined || node.value.withParam !== undefined || node.value.withSequence !== undefined;
    const where = `${label}, ${kind === 'steps' ? 'step' : 'task'} "${node.value.name}"`;
    walkStrings(node.value, node.path, (s, p) => checkReferences(s, p, { ...base, visible, visibilityHint: hint, loop, where }, ctx.report));
  }
  for (const [field, value] of Object.entries(t)) {
    if (field === 'steps' || field === 'dag') continue;
    walkStrings(value, key(path, field), (s, p) => checkReferences(s, p, { ...base, where: label }, ctx.report));
  }
  if (isObject(t.dag)) {
    for (const [field, value] of Object.entries(t.dag)) {
      if (field !== 'tasks') walkStrings(value, `${path}.dag.${field}`, (s, p) => checkReferences(s, p, { ...base, where: label }, ctx.report));
    }
  }
}

/** A step or task: names exactly one existing target, passes exactly the arguments it takes. */
function lintCall(step: Json, at: string, what: 'step' | 'task', label: string, group: number, ctx: DocContext): Node | undefined {
  const report = ctx.report;
  if (!isObject(step)) {
    report(at, `${label}: a ${what} must be an object with a name and a template`);
    return undefined;
  }
  if (typeof step.name !== 'string' || step.name === '') {
    report(`${at}.name`, `${label}: ${what} has no name: give it a unique name`);
    return undefined;
  }
  const where = `${label}, ${what} "${step.name}"`;
  lintWhen(step, at, where, report);
  const targets = ['template', 'templateRef', 'inline'].filter((f) => step[f] !== undefined);
  let callee: Json | undefined;
  let calleeLabel = '';
  let known = false;
  if (targets.length !== 1) {
    report(at, `${where}: names ${targets.length ? targets.join(' and ') : 'no template'}; set exactly one of template, templateRef or inline`);
  } else if (step.template !== undefined) {
    calleeLabel = `template "${step.template}"`;
    callee = typeof step.template === 'string' ? ctx.own.get(step.template) : undefined;
    known = callee !== undefined;
    if (!callee) {
      report(`${at}.template`, `${where}: calls template "${step.template}", which does not exist in ${ctx.object}: use one of ${quoted(ctx.own.keys())}, or a templateRef to another WorkflowTemplate`);
    }
  } else if (step.templateRef !== undefined) {
    const ref = step.templateRef;
    const refName = ref?.name;
    const refTemplate = ref?.template;
    calleeLabel = `template "${refTemplate}" of WorkflowTemplate "${refName}"`;
    if (typeof refName !== 'string' || typeof refTemplate !== 'string' || !refName || !refTemplate) {
      report(`${at}.templateRef`, `${where}: templateRef needs both name (the WorkflowTemplate) and template (the template in it)`);
    } else if (ctx.external.has(`${refName}/${refTemplate}`)) {
      // Declared as installed elsewhere: nothing more to check.
    } else if (ref.clusterScope === true) {
      report(`${at}.templateRef`, `${where}: refers to ClusterWorkflowTemplate "${refName}", which is not among the linted documents: declare {name: "${refName}", template: "${refTemplate}"} as external`);
    } else if (!ctx.index.has(refName)) {
      report(`${at}.templateRef`, `${where}: refers to WorkflowTemplate "${refName}", which does not exist among the synthesized WorkflowTemplates (${quoted(ctx.index.keys())}): fix templateRef.name or declare {name: "${refName}", template: "${refTemplate}"} as external`);
    } else {
      callee = ctx.index.get(refName)!.get(refTemplate);
      known = callee !== undefined;
      if (!callee) {
        report(`${at}.templateRef`, `${where}: WorkflowTemplate "${refName}" has no template "${refTemplate}": use one of ${quoted(ctx.index.get(refName)!.keys())}`);
      }
    }
  } else {
    callee = step.inline;
    calleeLabel = 'its inline template';
    known = isObject(callee);
  }

  const params = array(step.arguments?.parameters);
  lintParameters(params, `${at}.arguments.parameters`, `${where}: argument`, report);
  params.forEach((p, k) => {
    if (isObject(p) && typeof p.name === 'string' && p.value === undefined && p.valueFrom === undefined) {
      report(`${at}.arguments.parameters[${k}]`, `${where}: argument "${p.name}" has no value: set value (a string)`);
    }
  });
  if (known && isObject(callee)) {
    const accepted = names(array(callee.inputs?.parameters));
    params.forEach((p, k) => {
      if (isObject(p) && typeof p.name === 'string' && !accepted.has(p.name)) {
        report(`${at}.arguments.parameters[${k}].name`, `${where}: passes "${p.name}", but ${calleeLabel} has no input parameter "${p.name}" (inputs: ${quoted(accepted)}): remove the argument or fix its name`);
      }
    });
    const passed = names(params);
    for (const required of requiredInputs(callee)) {
      if (!passed.has(required)) {
        report(`${at}.arguments`, `${where}: ${calleeLabel} requires the input parameter "${required}", which is not passed: add it to arguments.parameters`);
      }
    }
  }
  return { value: step, path: at, callee: known ? callee : undefined, calleeLabel, group };
}

/**
 * No privileged container and no privilege escalation, in every container of the template; every
 * image pinned by digest (a tag can be moved to other bytes), unless the WorkflowTemplate lists it
 * in its exemption annotation with a reason.
 */
function lintContainers(t: Json, path: string, label: string, exempt: ReadonlySet<string>, report: DocContext['report']): void {
  const containers: Array<[Json, string]> = [];
  if (isObject(t.container)) containers.push([t.container, `${path}.container`]);
  if (isObject(t.script)) containers.push([t.script, `${path}.script`]);
  array(t.containerSet?.containers).forEach((c, k) => containers.push([c, `${path}.containerSet.containers[${k}]`]));
  array(t.initContainers).forEach((c, k) => containers.push([c, `${path}.initContainers[${k}]`]));
  array(t.sidecars).forEach((c, k) => containers.push([c, `${path}.sidecars[${k}]`]));
  for (const [c, at] of containers) {
    const sc = isObject(c) ? c.securityContext : undefined;
    const name = isObject(c) && typeof c.name === 'string' ? ` container "${c.name}"` : '';
    if (sc?.privileged === true) {
      report(`${at}.securityContext.privileged`, `${label}${name} is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)`);
    }
    if (sc?.allowPrivilegeEscalation === true) {
      report(`${at}.securityContext.allowPrivilegeEscalation`, `${label}${name} allows privilege escalation: set allowPrivilegeEscalation to false or remove it`);
    }
    const image = isObject(c) ? c.image : undefined;
    if (typeof image === 'string' && !image.includes('{{') && !PINNED.test(image) && !exempt.has(image)) {
      report(`${at}.image`, `${label}${name}: image "${image}" is not pinned by digest: write repository:tag@sha256:<digest> (a tag can be moved to other bytes), or list it in the annotation ${IMAGE_DIGEST_EXEMPTION} ("<image>: <reason>")`);
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
    report(`${path}.executor.serviceAccountName`, `template "${t.name}" mounts no ServiceAccount token but names no executor ServiceAccount: Argo refuses to run it; set executor.serviceAccountName (a ServiceAccount allowed to create and patch workflowtaskresults)`);
  }
}

/** Parameters and loop items are values anyone who submits a workflow chooses. */
const SPLICED = /\{\{\s*((?:inputs|workflow)\.parameters\.[^}]*|item(?:\.[^}]*)?)\s*\}\}/;

/**
 * `when:` is an expression (govaluate) that Argo evaluates after substituting `{{...}}` as text: a
 * parameter spliced in, quoted or not, lets its value rewrite the expression (a value `x' || 'a' ==
 * 'a` makes any comparison true). Compare an output of a step that checked the value instead, or
 * use an `{{=...}}` expression, which receives the value as a string.
 */
function lintWhen(step: Json, at: string, where: string, report: DocContext['report']): void {
  if (typeof step.when !== 'string') return;
  const m = SPLICED.exec(step.when);
  if (m) {
    report(`${at}.when`, `${where}: when splices {{${m[1].trim()}}} into its expression, so the value can rewrite the condition: compare a fixed word that a step wrote after checking the value (e.g. {{steps.check.outputs.parameters.x}} == y), or use {{=...}}`);
  }
}

function walkStrings(value: Json, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) walkStrings(v, key(path, k), visit);
  }
}

const TAG = /\{\{([^{}]*)\}\}/g;
const EXPR_PARAM = /\b(inputs|workflow)\.parameters(?:\.([A-Za-z0-9_]+)|\[\s*['"]([^'"]+)['"]\s*\])/g;
const EXPR_NODE = /\b(steps|tasks)(?:\.([A-Za-z0-9_]+)|\[\s*['"]([^'"]+)['"]\s*\])((?:\.[A-Za-z0-9_]+|\[\s*['"][^'"]+['"]\s*\])*)/g;

/** Checks every `{{...}}` of one string. */
function checkReferences(s: string, path: string, scope: Scope, report: DocContext['report']): void {
  for (const m of s.matchAll(TAG)) {
    const tag = m[1].trim();
    if (tag.startsWith('=')) {
      for (const e of tag.matchAll(EXPR_PARAM)) checkParameter(e[1], e[2] ?? e[3], `{{${tag}}}`, path, scope, report);
      for (const e of tag.matchAll(EXPR_NODE)) {
        const rest = (e[4] ?? '').replace(/\[\s*['"]([^'"]+)['"]\s*\]/g, '.$1').replace(/^\./, '');
        checkNode(e[1], e[2] ?? e[3], rest, `{{${tag}}}`, path, scope, report);
      }
      continue;
    }
    let r: RegExpExecArray | null;
    if ((r = /^(inputs|workflow)\.parameters\.(.+)$/.exec(tag))) {
      checkParameter(r[1], r[2], `{{${tag}}}`, path, scope, report);
    } else if ((r = /^inputs\.artifacts\.(.+)$/.exec(tag))) {
      if (!names(array(scope.template.inputs?.artifacts)).has(r[1])) {
        report(path, `${scope.where}: {{${tag}}} refers to input artifact "${r[1]}", which ${scope.templateLabel} does not declare: add it to inputs.artifacts or fix the name`);
      }
    } else if ((r = /^(steps|tasks)\.([^.]+)(?:\.(.*))?$/.exec(tag))) {
      checkNode(r[1], r[2], r[3] ?? '', `{{${tag}}}`, path, scope, report);
    } else if (/^item(\.|$)/.test(tag) && !scope.loop) {
      report(path, `${scope.where}: {{${tag}}} is only defined in a step or task with withItems, withParam or withSequence`);
    }
  }
}

function checkParameter(ns: string, name: string, tag: string, path: string, scope: Scope, report: DocContext['report']): void {
  if (ns === 'inputs') {
    const declared = names(array(scope.template.inputs?.parameters));
    if (!declared.has(name)) {
      report(path, `${scope.where}: ${tag} refers to input parameter "${name}", which ${scope.templateLabel} does not declare (inputs: ${quoted(declared)}): add it to inputs.parameters or fix the name`);
    }
  } else if (!scope.workflowParameters.has(name)) {
    report(path, `${scope.where}: ${tag} refers to workflow parameter "${name}", which is not in spec.arguments.parameters (${quoted(scope.workflowParameters)}): add it there or fix the name`);
  }
}

function checkNode(kind: string, name: string, rest: string, tag: string, path: string, scope: Scope, report: DocContext['report']): void {
  const what = kind === 'steps' ? 'step' : 'task';
  if (scope.kind !== kind) {
    report(path, `${scope.where}: ${tag} refers to a ${what}, but ${scope.templateLabel} is not a ${kind === 'steps' ? 'steps' : 'dag'} template`);
    return;
  }
  const node = scope.nodes.get(name);
  if (!node) {
    report(path, `${scope.where}: ${tag} refers to ${what} "${name}", which does not exist in ${scope.templateLabel}: use one of ${quoted(scope.nodes.keys())}`);
    return;
  }
  if (scope.visible && !scope.visible.has(name)) {
    report(path, `${scope.where}: ${tag} refers to ${what} "${name}", which has not run yet at this point: ${scope.visibilityHint}`);
    return;
  }
  const field = rest.split('.')[0];
  if (field && !NODE_FIELDS.has(field)) {
    report(path, `${scope.where}: ${tag}: "${field}" is not a field of a ${what} (use outputs.parameters.<name>, outputs.result, outputs.artifacts.<name>, status, exitCode, ...)`);
    return;
  }
  const callee = node.callee;
  if (!callee || field !== 'outputs') return;
  const [, sub, out] = rest.split('.');
  if (sub === 'parameters' && out !== undefined) {
    const declared = names(array(callee.outputs?.parameters));
    if (!declared.has(out)) {
      report(path, `${scope.where}: ${tag} refers to output parameter "${out}" of ${what} "${name}", but ${node.calleeLabel} does not declare it (outputs: ${quoted(declared)}): add it to its outputs.parameters or fix the name`);
    }
  } else if (sub === 'artifacts' && out !== undefined) {
    const declared = names(array(callee.outputs?.artifacts));
    if (!declared.has(out)) {
      report(path, `${scope.where}: ${tag} refers to output artifact "${out}" of ${what} "${name}", but ${node.calleeLabel} does not declare it (outputs: ${quoted(declared)}): add it to its outputs.artifacts or fix the name`);
    }
  } else if (sub === 'result') {
    const types = templateTypes(callee);
    if (types.length === 1 && !RESULT_TYPES.has(types[0])) {
      report(path, `${scope.where}: ${tag}: ${node.calleeLabel} is a ${types[0]} template, which has no outputs.result: declare an output parameter instead`);
    }
  }
}
