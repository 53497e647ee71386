/**
 * How Argo Rollouts (v1.9.1) turns one Prometheus answer into a measurement phase, for the tests
 * that ask a real Prometheus: the tests stand for the Rollouts controller here.
 *
 * - metricproviders/prometheus/prometheus.go, Provider.Run -> executeQuery (an instant query at
 *   time.Now()) -> processResponse: a vector becomes `result`, a []float64 of its sample values in
 *   the order of the answer (so `result[0]` is the first sample); a scalar becomes a float64.
 * - utils/evaluate/evaluate.go, EvaluateResult: the failure condition wins; neither condition
 *   true is Inconclusive; an error while evaluating is Error. Without a failureCondition a
 *   measurement that is not successful has failed.
 * - EvalCondition compiles the condition with expr (github.com/antonmedv/expr v1.15.5) with
 *   `result`, `isNaN`, `isInf`, ... in its environment. An index out of range (`result[0]` of an
 *   empty vector) is a run-time error, hence the `len(result) > 0 &&` guard; `&&` and `||`
 *   short-circuit; comparisons with NaN are false (Go float semantics).
 *
 * The evaluator below covers the part of expr's grammar such conditions use (numbers, `result`,
 * `result[i]`, `len`, `isNaN`, `isInf`, comparisons, `&&`/`and`, `||`/`or`, `!`/`not`, unary
 * minus, parentheses) and throws on anything else, so a condition it does not know fails the test
 * instead of being judged by guesswork.
 */

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

type Value = number | boolean | number[];

/** EvaluateResult for a vector answer: the phase of one measurement. */
export function evaluateResult(result: number[], successCondition?: string, failureCondition?: string): MeasurementPhase {
  let success = false;
  let failure = false;
  try {
    if (successCondition) success = evalCondition(result, successCondition);
    if (failureCondition) failure = evalCondition(result, failureCondition);
  } catch (e) {
    if (e instanceof UnsupportedSyntax) throw e;
    return 'Error';
  }
  if (!successCondition && !failureCondition) return 'Successful';
  if (successCondition && !failureCondition) failure = !success;
  if (!successCondition && failureCondition) success = !failure;
  if (failure) return 'Failed';
  if (!success) return 'Inconclusive';
  return 'Successful';
}

class UnsupportedSyntax extends Error {}

const TOKEN = /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|&&|\|\||==|!=|<=|>=|[<>!()[\],-])/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new UnsupportedSyntax(`condition "${text}": cannot read "${text.slice(at)}"`);
    out.push(m[1]);
  }
  return out;
}

/** EvalCondition: the condition's value, which must be a boolean (expr: "expected bool"). */
export function evalCondition(result: number[], condition: string): boolean {
  const tokens = tokenize(condition);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new UnsupportedSyntax(`condition "${condition}": expected "${want}", got "${t}"`);
    return t;
  };
  // Each level returns a thunk, so that && and || evaluate their right side only when needed.
  const or = (): (() => Value) => {
    let left = and();
    while (peek() === '||' || peek() === 'or') {
      take();
      const l = left, r = and();
      left = () => asBool(l()) || asBool(r());
    }
    return left;
  };
  const and = (): (() => Value) => {
    let left = comparison();
    while (peek() === '&&' || peek() === 'and') {
      take();
      const l = left, r = comparison();
      left = () => asBool(l()) && asBool(r());
    }
    return left;
  };
  const comparison = (): (() => Value) => {
    const left = unary();
    const op = peek();
    if (!['==', '!=', '<', '<=', '>', '>='].includes(op)) return left;
    take();
    const right = unary();
    return () => compare(op, asNumber(left()), asNumber(right()));
  };
  const unary = (): (() => Value) => {
    if (peek() === '!' || peek() === 'not') { take(); const v = unary(); return () => !asBool(v()); }
    if (peek() === '-') { take(); const v = unary(); return () => -asNumber(v()); }
    return postfix();
  };
  const postfix = (): (() => Value) => {
    let value = primary();
    while (peek() === '[') {
      take('[');
      const base = value, index = or();
      take(']');
      value = () => {
        const list = base();
        const n = asNumber(index());
        if (!Array.isArray(list)) throw new UnsupportedSyntax(`condition "${condition}": indexing a ${typeof list}`);
        // expr: "index out of range: N (array length is M)", a run-time error.
        if (!Number.isInteger(n) || n < 0 || n >= list.length) throw new Error(`index out of range: ${n} (array length is ${list.length})`);
        return list[n];
      };
    }
    return value;
  };
  const primary = (): (() => Value) => {
    const t = take();
    if (t === undefined) throw new UnsupportedSyntax(`condition "${condition}" ends too early`);
    if (/^\d/.test(t)) { const n = Number(t); return () => n; }
    if (t === '(') { const v = or(); take(')'); return v; }
    if (t === 'result') return () => result;
    if (t === 'true' || t === 'false') return () => t === 'true';
    if (t === 'len' || t === 'isNaN' || t === 'isInf') {
      take('(');
      const arg = or();
      take(')');
      if (t === 'len') return () => { const v = arg(); if (!Array.isArray(v)) throw new Error('invalid argument for len'); return v.length; };
      if (t === 'isNaN') return () => Number.isNaN(asNumber(arg()));
      return () => { const v = asNumber(arg()); return v === Infinity || v === -Infinity; };
    }
    throw new UnsupportedSyntax(`condition "${condition}": "${t}" is not supported by this evaluator`);
  };
  const program = or();
  if (i !== tokens.length) throw new UnsupportedSyntax(`condition "${condition}": unexpected "${tokens[i]}"`);
  const value = program();
  if (typeof value !== 'boolean') throw new Error(`expected bool, but got ${typeof value}`);
  return value;
}

function asBool(v: Value): boolean {
  if (typeof v !== 'boolean') throw new Error(`invalid operation: expected bool, got ${JSON.stringify(v)}`);
  return v;
}

function asNumber(v: Value): number {
  if (typeof v !== 'number') throw new Error(`invalid operation: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Go's float comparisons: every comparison with NaN is false, except != which is true. */
function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}
