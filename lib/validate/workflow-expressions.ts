import { child, index, key } from './field-path';
import { TemplateNodes } from './workflow-dag';
import { array, DocContext, isObject, Json, names, Node, quoted, templateTypes } from './workflow-model';

/**
 * The `{{...}}` references of a template: every parameter, artifact, step or task output it names
 * exists, and a step or task names only the nodes that have run before it.
 */

/** Fields of a step or task node that may follow `steps.<name>.` or `tasks.<name>.` besides outputs. */
const NODE_FIELDS = new Set(['id', 'ip', 'status', 'exitCode', 'startedAt', 'finishedAt', 'hostNodeName', 'outputs']);
/** Template types that produce `outputs.result`. */
const RESULT_TYPES = new Set(['container', 'containerSet', 'script', 'data', 'http', 'plugin']);

/** What a reference may name from where it stands. */
export interface Scope {
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

/** The references of template `t`: in each step or task, then in the rest of the template. */
export function checkTemplateReferences(t: Json, path: string, label: string, kind: Scope['kind'], { nodes, scopes: nodeScopes }: TemplateNodes, ctx: DocContext): void {
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
      if (field !== 'tasks') walkStrings(value, child(path, 'dag', field), (s, p) => checkReferences(s, p, { ...base, where: label }, ctx.report));
    }
  }
}

function walkStrings(value: Json, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, index(path, i), visit));
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
