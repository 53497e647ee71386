import { Engine, engineRan, loadEngine, parseCached } from './cel-loader';

/**
 * The CEL engine behind the CRDs' `x-kubernetes-validations` rules (cel-rules.ts): @bufbuild/cel,
 * loaded on first use only (cel-loader.ts), and each expression compiled once per process (its
 * parse once per text, kept on disk by cel-loader.ts).
 *
 * What the API server adds around cel-go is reproduced here and in cel-rules.ts; the sources are
 * kubernetes/kubernetes@00c30b3 staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/
 * (compilation.go `Compile`, validation.go `validateExpressions`).
 */

let engine: Engine | undefined;
let env: any;

/** Whether the engine has been loaded in this process (a CRD without rules never loads it). */
export function celLoaded(): boolean {
  return engine !== undefined;
}

/** The engine and its environment (CEL's standard library and the strings extension, as the API server's), once. */
export function celEngine(): Engine {
  if (!engine) {
    engine = loadEngine();
    env = engine.celEnv({ funcs: engine.strings });
  }
  return engine;
}

/** An expression compiled for evaluation with `self` (and `oldSelf`) bound. */
export interface Program {
  /** Whether it reads `oldSelf` (a transition rule). */
  readonly usesOldSelf: boolean;
  /** The value, or an Error for an evaluation error (no such key, no matching overload, ...). */
  run(self: unknown): unknown;
}

const compiled = new Map<string, Program | Error>();

/**
 * The expression compiled once per process: parsed, every function it calls and every name it
 * reads checked against the engine (cel-go refuses both when the CRD is created; the engine itself
 * would only fail on evaluation), then planned. An Error tells why it does not compile.
 */
export function compile(expression: string): Program | Error {
  let result = compiled.get(expression);
  if (!result) {
    result = compileOnce(expression);
    compiled.set(expression, result);
  }
  return result;
}

function compileOnce(expression: string): Program | Error {
  const cel = celEngine();
  try {
    const parsed = parseCached(expression, cel.parse);
    const refs = { calls: [] as [string, boolean][], idents: new Set<string>(), bound: new Set<string>() };
    collect(parsed.expr, refs);
    for (const [name, member] of refs.calls) {
      if (PLANNER_OPERATORS.has(name)) continue;
      const group = env.funcs.find(name);
      if (!group || ![...group].some((f: any) => (f.target !== undefined) === member)) {
        return new Error(`undeclared reference to '${name}'${member ? ' (as a method)' : ''}: the CEL engine has no such function`);
      }
    }
    const free = [...refs.idents].filter((n) => !refs.bound.has(n) && !NAMES.has(n));
    if (free.length) return new Error(`undeclared reference to '${free[0]}'`);
    const program = cel.plan(env, parsed);
    return {
      usesOldSelf: refs.idents.has('oldSelf'),
      run: (self) => {
        const r = program({ self });
        engineRan();
        // cel-go's words for a missing field, as the API server reports them (values.go `unstructuredMap.Get`).
        return cel.isCelError(r) ? new Error(r.message.replace(/^field not found: /, 'no such key: ')) : r;
      },
    };
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The names a rule may read besides its comprehension variables: the variables the API server binds and CEL's type names. */
const NAMES = new Set(['self', 'oldSelf', 'int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

/** Calls the planner evaluates itself (logic, conditional, index), not functions of the environment. */
const PLANNER_OPERATORS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false']);

/** The calls (name, called as a method) and identifiers of a parsed expression; comprehension variables are bound. */
function collect(e: any, refs: { calls: [string, boolean][]; idents: Set<string>; bound: Set<string> }): void {
  if (!e || typeof e !== 'object') return;
  const kind = e.exprKind;
  if (kind?.case === 'callExpr') refs.calls.push([kind.value.function, kind.value.target !== undefined]);
  else if (kind?.case === 'identExpr') refs.idents.add(kind.value.name);
  else if (kind?.case === 'comprehensionExpr') for (const v of [kind.value.iterVar, kind.value.iterVar2, kind.value.accuVar]) refs.bound.add(v);
  for (const v of Object.values(e)) collect(v, refs);
}

/** CEL string literals: raw ones (`r'...'`, no escapes) and the others, quoted once or thrice. */
const STRING_LITERAL = new RegExp([
  /(?:[bB]?[rR]|[rR][bB])(?:'''[\s\S]*?'''|"""[\s\S]*?"""|'[^'\n]*'|"[^"\n]*")/.source,
  /[bB]?(?:'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")/.source,
].join('|'), 'g');

/**
 * Whether a rule reads `oldSelf`, decided from its text without loading the engine: the name as an
 * identifier outside string literals (the engine's own answer, `Program.usesOldSelf`, agrees on
 * every vendored rule: tested). A CRD whose only rules are transition rules loads nothing.
 */
export function readsOldSelf(rule: string): boolean {
  const code = rule.replace(STRING_LITERAL, '""');
  return /(^|[^\w.])oldSelf\b/.test(code);
}
