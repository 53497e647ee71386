/** One finding of the validation gate: which object, which field, what is wrong. */
export interface Problem {
  /** The object concerned, e.g. `dev/orders.yaml Deployment orders` or `WorkflowTemplate serve-java-app`. */
  readonly object: string;
  /** Dotted path of the field, e.g. `spec.templates[2].steps[0][0].template`; empty for the whole object. */
  readonly path: string;
  /** What is wrong and what to change. */
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.object}${p.path ? ` ${p.path}` : ''}: ${p.message}`;
}
