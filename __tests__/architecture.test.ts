import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The layers of lib/, held by dependency-cruiser with the project's own rules
 * (.dependency-cruiser.cjs): the real lib/ breaks none, and each rule refuses a small tree that
 * breaks it while accepting its lawful neighbour. Also the house rules a reader sees first: only
 * the index and the helpers at the top of lib/, every capability folder with its index, no file
 * over 450 lines, no function over 80.
 */
const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CAPABILITIES = ['app', 'release', 'monitoring', 'traffic', 'secrets', 'pipeline', 'gitops', 'platform'];

interface Violation { readonly rule: string; readonly edge: string }

/** Runs dependency-cruiser over `dir`/lib as `npx depcruise lib` does; the violations by rule and edge. */
function cruise(dir: string): Violation[] {
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', 'lib'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || !run.stdout) throw new Error(`dependency-cruiser did not run: ${run.error?.message ?? run.stderr}`);
  const result = JSON.parse(run.stdout);
  expect(result.summary.error).toBe(result.summary.violations.length);
  return result.summary.violations.map((v: any) => ({
    rule: v.rule.name,
    // A cycle is named by the files round it.
    edge: v.cycle ? [v.from, ...v.cycle.map((c: any) => c.name)].join(' -> ') : `${v.from} -> ${v.to}`,
  }));
}

const ruleNames = (): string[] => require(CONFIG).forbidden.map((r: { name: string }) => r.name);

describe('the layers of lib/ (dependency-cruiser)', () => {
  test('lib/ breaks none of the rules', () => {
    expect(cruise(ROOT)).toEqual([]);
  });

  describe('each rule refuses what breaks it and accepts its lawful neighbour', () => {
    let violations: Violation[];
    let tmp: string;
    // file -> its imports; every file of the tree exists, so every import resolves.
    const TREE: Record<string, string[]> = {
      'lib/index.ts': ['./app'],
      'lib/util.ts': ['./schemas'],
      'lib/schemas.ts': [],
      'lib/rules/names.ts': ['../util'],
      'lib/rules/bad.ts': ['../props/checks'],
      'lib/props/checks.ts': ['../rules/names'],
      'lib/props/bad.ts': ['../release/canary'],
      'lib/app/index.ts': ['./java-app'],
      'lib/app/java-app.ts': ['./props'],
      'lib/app/props.ts': ['../secrets'],
      'lib/app/ping.ts': ['./pong'],
      'lib/app/pong.ts': ['./ping'],
      // A circle closed only by a type import is no cycle at run time.
      'lib/app/shape.ts': ['type:./form'],
      'lib/app/form.ts': ['./shape'],
      'lib/release/index.ts': ['./canary'],
      'lib/release/canary.ts': ['../validate/gate'],
      'lib/pipeline/index.ts': ['./serve'],
      'lib/pipeline/serve.ts': ['../app/java-app', '../app', './steps', '../secrets/store-secret'],
      'lib/pipeline/steps.ts': [],
      'lib/secrets/index.ts': ['./store-secret'],
      'lib/secrets/store-secret.ts': [],
      'lib/gitops/index.ts': ['./bootstrap'],
      'lib/gitops/bootstrap.ts': [],
      'lib/platform/index.ts': ['./platform-app'],
      'lib/platform/platform-app.ts': ['../validate/gate', '../synth/emitter', '../tools/diff'],
      'lib/validate/gate.ts': ['../rules/names', '../util', '../schemas', '../app'],
      'lib/synth/emitter.ts': ['../validate/gate', '../gitops/bootstrap'],
      'lib/tools/diff.ts': ['../index', '../util', '../app/java-app'],
    };

    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'architecture-'));
      fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
      for (const [file, imports] of Object.entries(TREE)) {
        fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
        const lines = imports.map((spec, i) => spec.startsWith('type:')
          ? `import type * as t${i} from '${spec.slice(5)}';\nexport type T${i} = typeof t${i};`
          : `import * as m${i} from '${spec}';\nexport const v${i} = m${i};`);
        fs.writeFileSync(path.join(tmp, file), [...lines, 'export const here = 1;', ''].join('\n'));
      }
      violations = cruise(tmp);
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const refused: Record<string, string[]> = {
      'no-cycles': ['lib/app/ping.ts -> lib/app/pong.ts -> lib/app/ping.ts'],
      'gate-imports-only-rules': ['lib/validate/gate.ts -> lib/app/index.ts'],
      'rules-import-only-helpers': ['lib/rules/bad.ts -> lib/props/checks.ts'],
      'helpers-import-nothing': ['lib/util.ts -> lib/schemas.ts'],
      'constructs-never-import-the-gate': ['lib/release/canary.ts -> lib/validate/gate.ts'],
      'platform-never-imports-the-tools': ['lib/platform/platform-app.ts -> lib/tools/diff.ts'],
      'capability-through-its-index': ['lib/pipeline/serve.ts -> lib/app/java-app.ts', 'lib/pipeline/serve.ts -> lib/secrets/store-secret.ts'],
      'props-machinery-imports-no-capability': ['lib/props/bad.ts -> lib/release/canary.ts'],
      'synth-imports-no-construct': ['lib/synth/emitter.ts -> lib/gitops/bootstrap.ts'],
      'tools-use-the-public-api': ['lib/tools/diff.ts -> lib/app/java-app.ts'],
    };

    test('every rule of the config has its cases here', () => {
      expect(Object.keys(refused).sort()).toEqual(ruleNames().sort());
    });

    test.each(Object.keys(refused))('%s: exactly the breaking imports are refused, under this name', (rule) => {
      const found = violations.filter((v) => v.rule === rule).map((v) => v.edge).sort();
      expect(found).toEqual(refused[rule].sort());
    });

    test('nothing else is refused: the lawful imports beside them pass', () => {
      const expected = Object.values(refused).flat().sort();
      expect(violations.map((v) => v.edge).sort()).toEqual(expected);
    });
  });
});

describe('the house of lib/', () => {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
  const LIB = path.join(ROOT, 'lib');
  const rel = (f: string) => path.relative(ROOT, f);

  test('the top of lib/ holds the index and the helpers only; every capability folder has its index', () => {
    expect(fs.readdirSync(LIB).filter((f) => f.endsWith('.ts')).sort()).toEqual(['index.ts', 'schemas.ts', 'util.ts']);
    for (const c of [...CAPABILITIES, 'props']) expect(fs.existsSync(path.join(LIB, c, 'index.ts'))).toBe(true);
  });

  test('no file over 450 lines', () => {
    const long = files(LIB).map((f) => [rel(f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 450);
    expect(long).toEqual([]);
  });

  test('no function over 80 lines', () => {
    const long: string[] = [];
    for (const f of files(LIB)) {
      const src = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body) {
          const lines = src.getLineAndCharacterOfPosition(n.end).line - src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
          if (lines > 80) long.push(`${rel(f)}:${src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1} (${lines} lines)`);
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
    expect(long).toEqual([]);
  });
});
