import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import * as YAML from 'yaml';
import { crdSchemaFor } from '../lib/schemas';
import { celEngine, compile, readsOldSelf } from '../lib/validate/cel';
import { appendFieldPath, checkCelRules, escapeProperty, findRuleNodes, toCel } from '../lib/validate/cel-rules';
import { validateSchema } from '../lib/validate/schema';
import { analysisTemplate, NS, rollout } from './support/docs';

/**
 * The gate's CEL layer: the x-kubernetes-validations rules of the vendored CRDs, evaluated as the
 * API server does on create. Each rule of the Argo Workflows CRD has a refused case with the CRD's
 * own message and an accepted one; the API server's handling around CEL (defaults, escaping, ints,
 * transition rules, messages, paths) is held on small schemas.
 */

const schema = (doc: any) => validateSchema(doc, 'X').map((p) => `${p.path}: ${p.message}`);

describe('WorkflowTemplate rules (Argo Workflows v4.1.2 CRD)', () => {
  const workflow = (spec: any) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'ci', namespace: NS }, spec });
  const main = { name: 'main', container: { image: 'alpine:3.20' } };
  const dag = (tasks: any[]) => workflow({ templates: [{ name: 'main', dag: { tasks } }, { name: 'leaf', container: { image: 'alpine:3.20' } }] });

  test.each<[string, any, any, string]>([
    ['one artifact location', workflow({ arguments: { artifacts: [{ name: 'a', raw: { data: 'x' }, http: { url: 'https://example.com/a' } }] }, templates: [main] }),
      workflow({ arguments: { artifacts: [{ name: 'a', raw: { data: 'x' } }] }, templates: [main] }),
      'spec.arguments.artifacts[0]: at most one artifact location can be specified'],
    ['no resourcesDuration in a real-time gauge', workflow({ templates: [{ ...main, metrics: { prometheus: [{ name: 'm', help: 'h', gauge: { realtime: true, value: '{{resourcesDuration.cpu}}' } }] } }] }),
      workflow({ templates: [{ ...main, metrics: { prometheus: [{ name: 'm', help: 'h', gauge: { realtime: false, value: '{{resourcesDuration.cpu}}' } }] } }] }),
      "spec.templates[0].metrics.prometheus[0].gauge: 'resourcesDuration.*' metrics cannot be used in real-time gauges"],
    ['depends or dependencies', dag([{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf', depends: 'a', dependencies: ['a'] }]),
      dag([{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf', depends: 'a' }]),
      "spec.templates[0].dag.tasks[1]: cannot use both 'depends' and 'dependencies'"],
    ['continueOn without depends', dag([{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf', depends: 'a', continueOn: { failed: true } }]),
      dag([{ name: 'a', template: 'leaf' }, { name: 'b', template: 'leaf', dependencies: ['a'], continueOn: { failed: true } }]),
      "spec.templates[0].dag.tasks[1]: cannot use 'continueOn' when using 'depends'"],
    ['no task name starting with a digit with depends', dag([{ name: 'a', template: 'leaf' }, { name: '2b', template: 'leaf', depends: 'a' }]),
      dag([{ name: 'a', template: 'leaf' }, { name: 'b2', template: 'leaf', depends: 'a' }]),
      "spec.templates[0].dag.tasks[1]: task name cannot begin with a digit when using 'depends' or 'dependencies'"],
    ['count or end', dag([{ name: 'a', template: 'leaf', withSequence: { count: '3', end: '5' } }]),
      dag([{ name: 'a', template: 'leaf', withSequence: { start: '1', end: '5' } }]),
      'spec.templates[0].dag.tasks[0].withSequence: only one of count or end can be defined'],
    ['manifest or manifestFrom', workflow({ templates: [{ name: 'main', resource: { action: 'create', manifest: 'kind: ConfigMap', manifestFrom: { artifact: { name: 'm' } } } }] }),
      workflow({ templates: [{ name: 'main', resource: { action: 'create', manifest: 'kind: ConfigMap' } }] }),
      'spec.templates[0].resource: only one of manifest or manifestFrom can be specified'],
    ['one template type', workflow({ templates: [{ ...main, script: { image: 'alpine:3.20', source: 'echo' } }] }),
      workflow({ templates: [main, { name: 'other', script: { image: 'alpine:3.20', source: 'echo' } }] }),
      'spec.templates: template must have at most one template type'],
    ['no timeout on steps', workflow({ templates: [{ name: 'main', timeout: '1m', steps: [[{ name: 's', template: 'leaf' }]] }, { name: 'leaf', container: { image: 'alpine:3.20' } }] }),
      workflow({ templates: [{ name: 'main', timeout: '', steps: [[{ name: 's', template: 'leaf' }]] }, { name: 'leaf', timeout: '1m', container: { image: 'alpine:3.20' } }] }),
      'spec.templates: timeout cannot be applied to steps or dag templates'],
    ['activeDeadlineSeconds only on leaves', workflow({ templates: [{ name: 'main', activeDeadlineSeconds: 60, dag: { tasks: [{ name: 'a', template: 'leaf' }] } }, { name: 'leaf', container: { image: 'alpine:3.20' } }] }),
      workflow({ templates: [{ name: 'main', dag: { tasks: [{ name: 'a', template: 'leaf' }] } }, { name: 'leaf', activeDeadlineSeconds: 60, container: { image: 'alpine:3.20' } }] }),
      'spec.templates: activeDeadlineSeconds is only valid for leaf templates'],
  ])('%s', (_case, refused, accepted, expected) => {
    expect(schema(refused)).toEqual([expected]);
    expect(schema(accepted)).toEqual([]);
  });

  test('every distinct rule of the vendored CRDs compiles, and the text scan finds the transition rules the engine finds', () => {
    const rules = new Set<string>();
    for (const file of fs.readdirSync(path.join(__dirname, '..', 'schemas', 'crds'))) {
      const crd = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'schemas', 'crds', file), 'utf8'));
      for (const pointer of crd.ruleNodes ?? []) for (const r of pointer.reduce((n: any, k: string) => n[k], crd.schema)['x-kubernetes-validations']) rules.add(r.rule);
    }
    // Argo Workflows 10 and Rollout 1 (its transition rule), plus the Gateway API HTTPRoute and Gateway
    // (ReferenceGrant has none): every one must compile.
    expect(rules.size).toBe(73);
    for (const rule of rules) {
      const program = compile(rule);
      if (program instanceof Error) throw new Error(`${rule}: ${program.message}`);
      expect([rule, readsOldSelf(rule)]).toEqual([rule, program.usesOldSelf]);
    }
  });

  test.each(['workflows-buildkit-template.yaml', 'workflows-catalog-kaniko-container-image.yaml', 'workflows-ci-workflowtemplate.yaml'])('the upstream example %s passes', (file) => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, 'fixtures', 'examples', file), 'utf8')).map((d) => d.toJSON());
    for (const doc of docs) expect(schema({ ...doc, metadata: { ...doc.metadata, namespace: NS } })).toEqual([]);
  });

  test('a Rollout whose selector rule compares with the old object passes: transition rules run on updates only', () => {
    expect(schema(rollout('web', { canary: { steps: [{ setWeight: 20 }] } }))).toEqual([]);
    // Nothing to run, so nothing left unchecked when the object is of the wrong shape.
    const wrong = rollout('web', { canary: { steps: [{ setWeight: 20 }] } });
    wrong.spec.replicas = 'two';
    expect(schema(wrong)).toEqual(['spec.replicas: must be integer, got string']);
  });

  test('the rules are not run on an object of the wrong shape (hasBlockingErr), but are after an unknown field or an int32 overflow', () => {
    const doc = dag([{ name: 'a', template: 'leaf', withSequence: { count: '3', end: '5' } }]);
    const blocked = { ...doc, spec: { ...doc.spec, entrypoint: 7 } };
    expect(schema(blocked)).toEqual(['spec.entrypoint: must be string, got integer',
      ': some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']);
    expect(schema({ ...doc, spec: { ...doc.spec, entrypointt: 'main', priority: 2 ** 40 } })).toEqual([
      'spec.entrypointt: unknown field',
      'spec.priority: must fit in a 32-bit integer (-2147483648 to 2147483647), got 1099511627776',
      'spec.templates[0].dag.tasks[0].withSequence: only one of count or end can be defined',
    ]);
  });
});

describe('around CEL, as the API server does', () => {
  const spec = (properties: any, rules: any[], extra: any = {}) => ({
    type: 'object',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties, 'x-kubernetes-validations': rules, ...extra } },
  });
  const check = (s: any, value: any, metadata: any = { name: 'x' }) => checkCelRules({ apiVersion: 'example.com/v1', kind: 'W', metadata, spec: value }, s, 'W x').map((p) => `${p.path}: ${p.message}`);

  test('defaults are applied before the rules run, also along the way to a rule', () => {
    const s = spec({ mode: { type: 'string', default: 'auto' }, limits: { type: 'object', default: { max: 3 }, properties: { max: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.max < 3', message: 'max below 3' }] } },
      [{ rule: "self.mode == 'manual'", message: 'manual only' }]);
    expect(check(s, {})).toEqual(['spec: manual only', 'spec.limits: max below 3']);
    expect(check(s, { mode: 'manual', limits: { max: 2 } })).toEqual([]);
  });

  test('property names are escaped; map keys are not; unknown properties are invisible', () => {
    const s = spec({ namespace: { type: 'string' }, 'x-y': { type: 'string' }, 'a.b/c': { type: 'string' }, a__b: { type: 'string' }, '1st': { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
      [{ rule: "self.__namespace__ == 'n' && self.x__dash__y == 'd' && self.a__dot__b__slash__c == 's' && self.a__underscores__b == 'u' && 'a.b/c' in self.labels && !has(self.extra)" }]);
    expect(check(s, { namespace: 'n', 'x-y': 'd', 'a.b/c': 's', a__b: 'u', '1st': 'x', labels: { 'a.b/c': 'v' }, extra: 1 })).toEqual([]);
    expect(check(s, { namespace: 'm', 'x-y': 'd', 'a.b/c': 's', a__b: 'u', labels: {} })).toEqual([
      "spec: failed rule: self.__namespace__ == 'n' && self.x__dash__y == 'd' && self.a__dot__b__slash__c == 's' && self.a__underscores__b == 'u' && 'a.b/c' in self.labels && !has(self.extra)"]);
    expect([escapeProperty('namespace'), escapeProperty('in'), escapeProperty('x-y'), escapeProperty('a__b'), escapeProperty('1st'), escapeProperty('a b'), escapeProperty('')])
      .toEqual(['__namespace__', '__in__', 'x__dash__y', 'a__underscores__b', undefined, undefined, undefined]);
  });

  test('integers are CEL ints, numbers doubles, int-or-string either, date-time timestamps, byte bytes', () => {
    const s = spec({ n: { type: 'integer' }, f: { type: 'number' }, p: { 'x-kubernetes-int-or-string': true }, q: { 'x-kubernetes-int-or-string': true }, t: { type: 'string', format: 'date-time' }, b: { type: 'string', format: 'byte' } },
      [{ rule: "type(self.n) == int && type(self.f) == double && type(self.p) == int && type(self.q) == string && self.t < timestamp('2030-01-01T00:00:00Z') && self.b == b'hi'" }]);
    expect(check(s, { n: 1, f: 1, p: 80, q: '25%', t: '2026-01-01T00:00:00Z', b: 'aGk=' })).toEqual([]);
  });

  test('self is the value at the rule: each item of a list, each value of a map; null and absent values run no rule', () => {
    const s = spec({
      items: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'bad'", message: 'no bad item' }] } },
      map: { type: 'object', additionalProperties: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self > 0', message: 'positive' }] } },
      opt: { type: 'string', nullable: true, 'x-kubernetes-validations': [{ rule: "self == 'set'" }] },
    }, []);
    expect(check(s, { items: ['ok', 'bad'], map: { 'a.b': 0, c: 1 }, opt: null })).toEqual(['spec.items[1]: no bad item', 'spec.map["a.b"]: positive']);
    expect(check(s, {})).toEqual([]);
  });

  test('the root sees apiVersion, kind and metadata.name and generateName only', () => {
    const s = { ...spec({}, []), 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('x') && self.kind == 'W' && !has(self.metadata.labels)", message: 'root' }] };
    expect(check(s, {}, { name: 'xy', labels: { a: 'b' } })).toEqual([]);
    expect(check(s, {}, { name: 'yx' })).toEqual([': root']);
  });

  test('the message: messageExpression when it yields one line, else message, else the rule; fieldPath extends the path', () => {
    const props = { n: { type: 'integer' }, m: { type: 'object', additionalProperties: { type: 'string' } } };
    expect(check(spec(props, [{ rule: 'self.n > 1', messageExpression: "'n is ' + string(self.n)", message: 'static' }]), { n: 1 })).toEqual(['spec: n is 1']);
    expect(check(spec(props, [{ rule: 'self.n > 1', messageExpression: "''", message: 'static' }]), { n: 1 })).toEqual(['spec: static']);
    expect(check(spec(props, [{ rule: 'self.n > 1', messageExpression: 'self.missing', message: 'static' }]), { n: 1 })).toEqual(['spec: static']);
    expect(check(spec(props, [{ rule: 'self.n > 1', messageExpression: "'a\\nb'", message: 'static' }]), { n: 1 })).toEqual(['spec: static']);
    expect(check(spec(props, [{ rule: ' self.n > 1 ' }]), { n: 1 })).toEqual(['spec: failed rule: self.n > 1']);
    expect(check(spec(props, [{ rule: 'self.n > 1', message: 'too small', fieldPath: '.n' }]), { n: 1 })).toEqual(['spec.n: too small']);
    expect(check(spec(props, [{ rule: 'self.n > 1', message: 'too small', fieldPath: ".m['a.b']" }]), { n: 1 })).toEqual(['spec.m["a.b"]: too small']);
    expect(appendFieldPath('spec', { properties: { m: { additionalProperties: { type: 'object', properties: { x: {} } } } } }, ".m['k'].x")).toBe('spec.m.k.x');
  });

  test('an evaluation error refuses, in the API server\'s words; a rule that does not compile says so', () => {
    const props = { n: { type: 'integer' } };
    expect(check(spec(props, [{ rule: 'self.other > 1', message: 'other above 1' }]), { n: 1 })).toEqual(['spec: no such key: other evaluating rule: other above 1']);
    expect(check(spec(props, [{ rule: 'self.n' }]), { n: 1 })).toEqual(['spec: rule did not evaluate to a bool: self.n']);
    expect(check(spec(props, [{ rule: 'isSorted(self)' }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'isSorted': the CEL engine has no such function"]);
    expect(check(spec(props, [{ rule: 'self.n.isSorted()' }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'isSorted' (as a method): the CEL engine has no such function"]);
    expect(check(spec(props, [{ rule: 'other > 1' }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'other'"]);
    // Functions are checked as called: a global one as a method, a method as a global one, one inside another's arguments.
    expect(check(spec(props, [{ rule: "'1s'.duration() > duration('0s')" }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'duration' (as a method): the CEL engine has no such function"]);
    expect(check(spec(props, [{ rule: "contains('ab', 'a')" }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'contains': the CEL engine has no such function"]);
    expect(check(spec(props, [{ rule: '[1, 2].all(x, size(foo(x)) > 0)' }]), { n: 1 })).toEqual(["spec: rule compile error: undeclared reference to 'foo': the CEL engine has no such function"]);
    expect(check(spec(props, [{ rule: "'ab'.contains('a') && size('ab') == 2 && [1, 2].all(x, x > 0) && [[1]].exists(l, l.all(y, y == 1))" }]), { n: 1 })).toEqual([]);
    expect(check(spec(props, [{ rule: 'self.n >' }]), { n: 1 })).toEqual([expect.stringMatching(/^spec: rule compile error: /)]);
  });

  test.each(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while'])(
    'the CEL keyword %s as a property is __%s__', (word) => {
      expect(escapeProperty(word)).toBe(`__${word}__`);
      expect(escapeProperty(`${word}s`)).toBe(`${word}s`);
    });

  test("CEL's type names are names a rule may read", () => {
    const rule = "type(self.n) == int && type(1u) == uint && type(1.5) == double && type(true) == bool && type('') == string && type(b'') == bytes && type([]) == list && type({}) == map && type(null) == null_type && type(int) == type";
    expect(check(spec({ n: { type: 'integer' } }, [{ rule }]), { n: 1 })).toEqual([]);
  });

  test('a value without a schema (preserved unknown fields) is JSON as CEL reads it', () => {
    const s = spec({ l: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true } },
      [{ rule: "self.l[0] == 1 && type(self.l[0]) == int && self.l[1].a[0] == 2 && self.l[2] == 'x' && type(self.l[3]) == double && self.l[4] == true" }]);
    expect(check(s, { l: [1, { a: [2] }, 'x', 1.5, true] })).toEqual([]);
  });

  test('an object is a CEL map: read, iterated and counted as a Map, filled on first read', () => {
    const s = { type: 'object', properties: { a: { type: 'integer' }, 'x-y': { type: 'string' }, d: { type: 'string', default: 'z' } } };
    const m = toCel({ a: 1, 'x-y': 'v', extra: true }, s) as Map<string, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect([m.size, m.has('a'), m.has('extra'), m.get('x__dash__y')]).toEqual([3, true, false, 'v']);
    expect([...m.keys()]).toEqual(['a', 'x__dash__y', 'd']);
    expect([...m.values()]).toEqual([1n, 'v', 'z']);
    expect([...m.entries()]).toEqual([['a', 1n], ['x__dash__y', 'v'], ['d', 'z']]);
    expect([...m]).toEqual([...m.entries()]);
    const seen: unknown[] = [];
    m.forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...m.entries()]);
    expect([...(toCel({ a: 1 }, { type: 'object', additionalProperties: { type: 'number' } }) as Map<string, unknown>)]).toEqual([['a', 1]]);
    expect(toCel([null, undefined], { type: 'array', items: { type: 'string' } })).toEqual([null, undefined]);
  });

  test('a document of the wrong shape runs no rule and breaks nothing', () => {
    const s = spec({ m: { type: 'object', additionalProperties: { type: 'object', properties: { l: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != 'x'" }] } } } } } }, []);
    expect(check(s, { m: ['x'] })).toEqual([]);
    expect(check(s, { m: { a: { l: { b: 'x' } } } })).toEqual([]);
    expect(check(s, { m: { a: { l: ['x'] } } })).toEqual(["spec.m.a.l[0]: failed rule: self != 'x'"]);
  });

  test('transition rules are skipped on create; optionalOldSelf ones, which run on create, are refused as not supported', () => {
    expect(check(spec({}, [{ rule: 'self == oldSelf', message: 'immutable' }]), {})).toEqual([]);
    expect(check(spec({}, [{ rule: 'self == oldSelf', optionalOldSelf: true }]), {})).toEqual(["spec: rule compile error: optionalOldSelf rules are not supported by the gate's CEL engine: self == oldSelf"]);
  });

  test('rules in allOf entries run at their node', () => {
    expect(check(spec({ n: { type: 'integer' } }, [], { allOf: [{ 'x-kubernetes-validations': [{ rule: 'self.n > 1', message: 'from allOf' }] }] }), { n: 1 })).toEqual(['spec: from allOf']);
  });

  test.each<[string, boolean]>([
    ['self == oldSelf', true], ['has(oldSelf.x)', true], ['oldSelf', true], ["self.x == 'oldSelf'", false], ['self.oldSelf == 1', false],
    ['self.x == """oldSelf"""', false], ["self.x == r'old\\' || self.y == 'oldSelf'", false], ['self.oldSelfish', false],
    ["self.x == '''a\noldSelf\nb'''", false], ['self.x == """a\n"oldSelf"\nb"""', false], ["self.x == r'''\\''' || '''oldSelf''' == oldSelf", true],
    ["self.x == rb'oldSelf' && self.y == br\"oldSelf\" && self.z == Rb'oldSelf'", false], ["self.x == b'oldSelf'", false],
    ["self.x == 'it\\'s oldSelf'", false], ['self.x == "say \\"oldSelf\\""', false], ["self.x == 'a' && oldSelf.x == 'b'", true],
    ["self.x == r\"a\\\" + oldSelf", true],
  ])('%s reads oldSelf: %s', (rule, expected) => {
    expect(readsOldSelf(rule)).toBe(expected);
  });
});

describe('the engine', () => {
  test('an expression is compiled once per process', () => {
    expect(compile('self.size() > 1')).toBe(compile('self.size() > 1'));
  });

  test('a CRD without a rule to run loads no engine; the first rule that runs does', () => {
    jest.isolateModules(() => {
      const fresh = require('../lib/validate/cel');
      const gate = require('../lib/validate/schema');
      expect(gate.validateSchema(analysisTemplate('a'), 'X')).toEqual([]);
      expect(gate.validateSchema(rollout('web', { canary: { steps: [{ setWeight: 20 }] } }), 'X')).toEqual([]);
      expect(fresh.celLoaded()).toBe(false);
      gate.validateSchema({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w', namespace: NS }, spec: { templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] } }, 'X');
      expect(fresh.celLoaded()).toBe(true);
    });
  });

  test('the engine is the bundle built once into node_modules/.cache/cel/, run with the V8 code cache it leaves there', () => {
    const { bundleFile, codeCacheFile } = require('../lib/validate/cel-loader');
    const bundle: string = bundleFile();
    expect(path.relative(path.join(__dirname, '..'), bundle)).toMatch(/^node_modules\/\.cache\/cel\/[0-9a-f]{16}\.js$/);
    // A process of its own, as synth runs (jest runs tests in a context of their own, where the bundle is simply required).
    const run = () => execFileSync(process.execPath, ['-r', path.join(__dirname, '..', 'bin', 'ts-register-hook.js'), '-e', `
      const { compile } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'validate', 'cel.ts'))});
      process.stdout.write(String(compile("self.all(t, has(t.a))").run([new Map([['a', 1n]])])));
      // The native base64 decoder lent to the engine while it loads is not left behind.
      process.stdout.write(typeof Uint8Array.prototype.setFromBase64 === 'undefined' ? '' : ' (setFromBase64 left defined)');`], { encoding: 'utf8' });
    fs.rmSync(codeCacheFile(bundle), { force: true });
    expect(run()).toBe('true');
    expect(fs.existsSync(bundle)).toBe(true);
    const written = fs.statSync(codeCacheFile(bundle)).mtimeMs;
    expect(run()).toBe('true');
    expect(fs.statSync(codeCacheFile(bundle)).mtimeMs).toBe(written);
    expect(typeof celEngine().parse).toBe('function');
  });
});

describe('the parse cache', () => {
  const { parseCached, parsedCacheFile } = require('../lib/validate/cel-loader');
  // Every kind of value the parser writes: int64 ids and ints, uints, doubles, bytes, strings, unset targets, comprehensions.
  const expression = "self.all(x, x.size() > 1 && x.startsWith('a')) || b'xy' == b'' || 3u > 2u || 1.5 > 2.0 || -9223372036854775808 < self.size()";

  test('an entry gives back the very tree the parser makes, and is then used instead of the parser', () => {
    const file: string = parsedCacheFile(expression);
    fs.rmSync(file, { force: true });
    const fresh = celEngine().parse(expression);
    expect(util.isDeepStrictEqual(parseCached(expression, celEngine().parse), fresh)).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
    const cached = parseCached(expression, () => {
      throw new Error('parsed again');
    });
    expect(util.isDeepStrictEqual(cached, fresh)).toBe(true);
    // And the planner runs it as it runs the parser's own tree.
    const program = compile(expression);
    if (program instanceof Error) throw program;
    expect(program.run([])).toBe(true);
  });

  test('entries are named by the exact text: a one-character edit is parsed anew', () => {
    const other = expression.replace('3u > 2u', '3u > 4u');
    expect(parsedCacheFile(other)).not.toBe(parsedCacheFile(expression));
    fs.rmSync(parsedCacheFile(other), { force: true });
    let parsed = 0;
    parseCached(other, (e: string) => {
      parsed++;
      return celEngine().parse(e);
    });
    expect(parsed).toBe(1);
  });
});

describe('served versions', () => {
  test.each<[string, string, string]>([
    ['argoproj.io/v1beta1', 'Rollout', 'argoproj.io/v1beta1 Rollout is not served: the API server serves Rollout as argoproj.io/v1alpha1'],
    ['monitoring.coreos.com/v1alpha1', 'ServiceMonitor', 'monitoring.coreos.com/v1alpha1 ServiceMonitor is not served: the API server serves ServiceMonitor as monitoring.coreos.com/v1'],
    ['apps/v1beta2', 'Deployment', 'apps/v1beta2 Deployment is not served: the API server serves Deployment as apps/v1'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2beta2 HorizontalPodAutoscaler is not served: the API server serves HorizontalPodAutoscaler as autoscaling/v1, autoscaling/v2'],
    ['example.com/v1', 'Widget', 'no schema for example.com/v1 Widget: vendor its CRD in crds/ and run npm run import'],
  ])('%s %s', (apiVersion, kind, expected) => {
    expect(schema({ apiVersion, kind, metadata: { name: 'a', namespace: NS } })).toEqual([`: ${expected}`]);
  });

  test('a schema file exists for served versions only, with where its rules sit', () => {
    expect(crdSchemaFor('argoproj.io/v1alpha1', 'WorkflowTemplate')!.ruleNodes).toEqual(findRuleNodes(crdSchemaFor('argoproj.io/v1alpha1', 'WorkflowTemplate')!.schema));
  });
});
