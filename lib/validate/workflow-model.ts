import { isObject } from '../util';

/** The JSON model of Argo WorkflowTemplates that the workflow lint works on, and its small helpers. */

// The documents are plain, unchecked JSON: every field is looked at before it is trusted.
export type Json = any;

/** The template types of Argo Workflows; a template has exactly one. */
export const TEMPLATE_TYPES = ['container', 'containerSet', 'script', 'steps', 'dag', 'resource', 'suspend', 'data', 'http', 'plugin'] as const;

/** A step or task, once its call is checked. */
export interface Node {
  /** The step or task. */
  readonly value: Json;
  readonly path: string;
  /** The template it calls, when that template is among the documents. */
  readonly callee?: Json;
  readonly calleeLabel: string;
  /** Steps: the index of its group. */
  readonly group: number;
}

/** Where the lint is: the document, its templates and where problems go. */
export interface DocContext {
  readonly object: string;
  readonly docName: string;
  readonly own: Map<string, Json>;
  readonly index: Map<string, Map<string, Json>>;
  readonly external: Set<string>;
  readonly workflowParameters: ReadonlySet<string>;
  /** Tag-only images that the WorkflowTemplate's exemption annotation accepts. */
  readonly exempt: ReadonlySet<string>;
  /** Expressions that the WorkflowTemplate's exemption annotation accepts in constant fields. */
  readonly exemptExpressions: ReadonlySet<string>;
  readonly report: (path: string, message: string) => void;
}

export { isObject };

export function array(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
}

export function quoted(names: Iterable<string>): string {
  const list = [...names].map((n) => `"${n}"`);
  return list.length ? list.join(', ') : '(none)';
}

export function templateTypes(t: Json): string[] {
  return TEMPLATE_TYPES.filter((type) => isObject(t) && t[type] !== undefined && t[type] !== null);
}

/** Parameters a template requires: neither `value` nor `default` nor a `valueFrom`. */
export function requiredInputs(t: Json): string[] {
  return array(t?.inputs?.parameters)
    .filter((p) => isObject(p) && typeof p.name === 'string' && p.value === undefined && p.default === undefined && p.valueFrom === undefined)
    .map((p) => p.name);
}

export function names(list: Json[]): Set<string> {
  return new Set(list.filter((p) => isObject(p) && typeof p.name === 'string').map((p) => p.name));
}
