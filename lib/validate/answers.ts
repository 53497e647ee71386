import { createHash } from 'crypto';
import { serialize } from 'v8';
import { Problem } from './problem';

/**
 * The gate's earlier answers: a check of one object (its schema and CEL rules, its API and policy
 * rules) or of the WorkflowTemplates together gives the same problems for the same input, and a
 * synth's objects are mostly those of the run before. The synth runner provides a store that knows
 * which version of the gate and the schemas made each answer (bin/gate-answers.js); without one
 * (tests, a program of its own), every check runs. Checks across objects always run.
 */
export interface GateAnswers {
  get(key: string): readonly Problem[] | undefined;
  set(key: string, problems: readonly Problem[]): void;
}

let answers: GateAnswers | undefined;

/** Installs (or, with undefined, removes) the store of earlier answers. */
export function provideGateAnswers(store: GateAnswers | undefined): void {
  answers = store;
}

/**
 * `check()`'s problems, or the answer it gave before for the same `label` and `input`. The input
 * is keyed as V8 serializes it: unset fields, holes, NaN and key order included, which JSON would
 * lose. An input it cannot serialize is checked every time.
 */
export function remembered(label: string, input: unknown, check: () => Problem[]): Problem[] {
  if (!answers) return check();
  let bytes: Buffer;
  try {
    bytes = serialize(input);
  } catch {
    return check();
  }
  const key = createHash('sha1').update(label).update('\0').update(bytes).digest('hex');
  const known = answers.get(key);
  if (known) return known.map((p) => ({ ...p }));
  const problems = check();
  answers.set(key, problems.map((p) => ({ ...p })));
  return problems;
}
