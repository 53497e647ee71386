import { child, index } from './field-path';
import { array, DocContext, isObject, Json, names, Node, quoted, requiredInputs } from './workflow-model';

/**
 * The calls of a WorkflowTemplate: each step or task names exactly one template that exists and
 * passes exactly the parameters it takes; parameter lists are well formed; `when:` splices no value.
 */

/** Parameter lists: names present and unique, every value, default and enum entry a string. */
export function lintParameters(params: Json[], path: string, what: string, report: DocContext['report']): void {
  const seen = new Set<string>();
  params.forEach((p, k) => {
    const at = index(path, k);
    if (!isObject(p) || typeof p.name !== 'string' || p.name === '') {
      report(child(at, 'name'), `${what} has no name`);
      return;
    }
    if (seen.has(p.name)) report(child(at, 'name'), `${what} "${p.name}" is declared twice`);
    seen.add(p.name);
    for (const field of ['value', 'default'] as const) {
      if (p[field] !== undefined && typeof p[field] !== 'string') {
        report(`${at}.${field}`, `${what} "${p.name}" has the ${typeof p[field]} ${JSON.stringify(p[field])} as ${field}: parameter values are strings, quote it ("${String(p[field])}")`);
      }
    }
    array(p.enum).forEach((e, j) => {
      if (typeof e !== 'string') report(index(child(at, 'enum'), j), `${what} "${p.name}" has the non-string enum entry ${JSON.stringify(e)}: quote it`);
    });
    if (Array.isArray(p.enum) && typeof p.value === 'string' && !p.value.includes('{{') && !p.enum.includes(p.value)) {
      report(child(at, 'value'), `${what} "${p.name}" has the value "${p.value}", which is not one of its enum ${quoted(p.enum)}`);
    }
  });
}

/** A step or task: names exactly one existing target, passes exactly the arguments it takes. */
export function lintCall(step: Json, at: string, what: 'step' | 'task', label: string, group: number, ctx: DocContext): Node | undefined {
  const report = ctx.report;
  if (!isObject(step)) {
    report(at, `${label}: a ${what} must be an object with a name and a template`);
    return undefined;
  }
  if (typeof step.name !== 'string' || step.name === '') {
    report(child(at, 'name'), `${label}: ${what} has no name: give it a unique name`);
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
      report(child(at, 'template'), `${where}: calls template "${step.template}", which does not exist in ${ctx.object}: use one of ${quoted(ctx.own.keys())}, or a templateRef to another WorkflowTemplate`);
    }
  } else if (step.templateRef !== undefined) {
    const ref = step.templateRef;
    const refName = ref?.name;
    const refTemplate = ref?.template;
    calleeLabel = `template "${refTemplate}" of WorkflowTemplate "${refName}"`;
    if (typeof refName !== 'string' || typeof refTemplate !== 'string' || !refName || !refTemplate) {
      report(child(at, 'templateRef'), `${where}: templateRef needs both name (the WorkflowTemplate) and template (the template in it)`);
    } else if (ctx.external.has(`${refName}/${refTemplate}`)) {
      // Declared as installed elsewhere: nothing more to check.
    } else if (ref.clusterScope === true) {
      report(child(at, 'templateRef'), `${where}: refers to ClusterWorkflowTemplate "${refName}", which is not among the linted documents: declare {name: "${refName}", template: "${refTemplate}"} as external`);
    } else if (!ctx.index.has(refName)) {
      report(child(at, 'templateRef'), `${where}: refers to WorkflowTemplate "${refName}", which does not exist among the synthesized WorkflowTemplates (${quoted(ctx.index.keys())}): fix templateRef.name or declare {name: "${refName}", template: "${refTemplate}"} as external`);
    } else {
      callee = ctx.index.get(refName)!.get(refTemplate);
      known = callee !== undefined;
      if (!callee) {
        report(child(at, 'templateRef'), `${where}: WorkflowTemplate "${refName}" has no template "${refTemplate}": use one of ${quoted(ctx.index.get(refName)!.keys())}`);
      }
    }
  } else {
    callee = step.inline;
    calleeLabel = 'its inline template';
    known = isObject(callee);
  }

  const params = array(step.arguments?.parameters);
  lintParameters(params, child(at, 'arguments', 'parameters'), `${where}: argument`, report);
  params.forEach((p, k) => {
    if (isObject(p) && typeof p.name === 'string' && p.value === undefined && p.valueFrom === undefined) {
      report(index(child(at, 'arguments', 'parameters'), k), `${where}: argument "${p.name}" has no value: set value (a string)`);
    }
  });
  if (known && isObject(callee)) {
    const accepted = names(array(callee.inputs?.parameters));
    params.forEach((p, k) => {
      if (isObject(p) && typeof p.name === 'string' && !accepted.has(p.name)) {
        report(child(index(child(at, 'arguments', 'parameters'), k), 'name'), `${where}: passes "${p.name}", but ${calleeLabel} has no input parameter "${p.name}" (inputs: ${quoted(accepted)}): remove the argument or fix its name`);
      }
    });
    const passed = names(params);
    for (const required of requiredInputs(callee)) {
      if (!passed.has(required)) {
        report(child(at, 'arguments'), `${where}: ${calleeLabel} requires the input parameter "${required}", which is not passed: add it to arguments.parameters`);
      }
    }
  }
  return { value: step, path: at, callee: known ? callee : undefined, calleeLabel, group };
}

/** Parameters and loop items are values anyone who submits a workflow chooses. */
const SPLICED = /\{\{\s*((?:inputs|workflow)\.parameters\.[^}]*|item(?:\.[^}]*)?)\s*\}\}/;

/**
 * `when:` is an expression (govaluate) that Argo evaluates after substituting `{{...}}` as text: a
 * parameter spliced in, quoted or not, lets its value rewrite the expression (a value `x' || 'a' ==
 * 'a` makes any comparison true). Compare an output of a step that checked the value instead, or
 * use an `{{=...}}` expression, which receives the value as a string.
 */
export function lintWhen(step: Json, at: string, where: string, report: DocContext['report']): void {
  if (typeof step.when !== 'string') return;
  const m = SPLICED.exec(step.when);
  if (m) {
    report(child(at, 'when'), `${where}: when splices {{${m[1].trim()}}} into its expression, so the value can rewrite the condition: compare a fixed word that a step wrote after checking the value (e.g. {{steps.check.outputs.parameters.x}} == y), or use {{=...}}`);
  }
}
