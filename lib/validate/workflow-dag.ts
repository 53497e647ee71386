import { child, index } from './field-path';
import { lintCall } from './workflow-calls';
import { array, DocContext, isObject, Json, Node, quoted } from './workflow-model';

/**
 * The order of a steps or dag template: who runs before whom, so that a reference to another step
 * or task can be checked against the nodes that have run by then; a DAG's dependencies exist and
 * have no cycle.
 */

/** The steps or tasks of a template by name, and for each what it may reference. */
export interface TemplateNodes {
  readonly nodes: Map<string, Node>;
  readonly scopes: Array<{ node: Node; visible: Set<string>; hint: string }>;
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

/** Steps: a step sees the steps of earlier groups only (those of its own group run beside it). */
export function stepNodes(t: Json, path: string, label: string, ctx: DocContext, into: TemplateNodes): void {
  const { nodes, scopes: nodeScopes } = into;
  const report = ctx.report;
  if (!Array.isArray(t.steps)) {
    report(child(path, 'steps'), `${label}: steps must be a list of step groups (a list of lists)`);
  } else {
    const earlier = new Set<string>();
    t.steps.forEach((group: Json, g: number) => {
      if (!Array.isArray(group)) {
        report(index(child(path, 'steps'), g), `${label}: step group ${g} must be a list of steps`);
        return;
      }
      const visible = new Set(earlier);
      group.forEach((step: Json, s: number) => {
        const at = index(index(child(path, 'steps'), g), s);
        const node = lintCall(step, at, 'step', label, g, ctx);
        if (!node) return;
        const name = step.name as string;
        if (nodes.has(name)) {
          report(child(at, 'name'), `${label}: step name "${name}" is already used at ${nodes.get(name)!.path}: step names must be unique within a template`);
          return;
        }
        nodes.set(name, node);
        nodeScopes.push({ node, visible, hint: 'only steps of earlier groups can be referenced (a step of the same group runs in parallel): move it to a later group' });
      });
      for (const step of group) if (isObject(step) && typeof step.name === 'string') earlier.add(step.name);
    });
  }
}

/** Tasks: a task sees the tasks it depends on, directly or not; dependencies exist and form no cycle. */
export function dagNodes(t: Json, path: string, label: string, ctx: DocContext, into: TemplateNodes): void {
  const { nodes, scopes: nodeScopes } = into;
  const report = ctx.report;
  const tasks = array(t.dag?.tasks);
  if (tasks.length === 0) report(child(path, 'dag', 'tasks'), `${label}: the DAG has no tasks`);
  tasks.forEach((task, k) => {
    const at = index(child(path, 'dag', 'tasks'), k);
    const node = lintCall(task, at, 'task', label, 0, ctx);
    if (!node) return;
    if (nodes.has(task.name)) {
      report(child(at, 'name'), `${label}: task name "${task.name}" is already used at ${nodes.get(task.name)!.path}: task names must be unique within a DAG`);
      return;
    }
    nodes.set(task.name, node);
  });
  const deps = new Map<string, string[]>();
  for (const [name, node] of nodes) {
    const list = taskDependencies(node.value);
    deps.set(name, list);
    for (const d of list) {
      if (!nodes.has(d)) report(child(node.path, node.value.depends !== undefined ? 'depends' : 'dependencies'), `${label}, task "${name}": depends on task "${d}", which does not exist: use one of ${quoted(nodes.keys())}`);
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
      report(child(node.path, 'name'), `${label}, task "${name}": its dependencies form a cycle through itself: remove one of them`);
      ancestors.delete(name);
    }
    nodeScopes.push({ node, visible: ancestors, hint: `a task can only reference tasks it depends on: add it to the dependencies (or depends) of "${name}"` });
  }
}
