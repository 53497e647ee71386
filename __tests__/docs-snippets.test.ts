import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript snippet of README.md and docs/*.md compiles against the public API (lib/index.ts),
 * as a reader would paste it. A fence ```ts is a whole file: it imports what it uses from the API
 * (`'./lib'` as in main.ts, or `'../lib'` as in a test). A fence ```ts fragment is a piece of
 * main.ts's environment loop: it is checked with every export of the API and cdk8s's `Duration` in
 * scope, and the names of main.ts around it declared (FRAGMENT_SCOPE below).
 */
const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib', 'index.ts');

/** What a fragment may use without defining it: the names main.ts gives it. */
const FRAGMENT_SCOPE = `
declare const app: PlatformApp;
declare const env: Environment;
declare const releases: Releases;
declare const prometheusAddress: string;
declare const e: { name: string; domain: string; replicas: number; maxReplicas: number; memory: string; profiles: string[]; cluster: ArgoCdCluster; traffic: Traffic };
`;

export interface Snippet {
  readonly file: string;
  /** 1-based line of the first line of code. */
  readonly line: number;
  readonly fragment: boolean;
  readonly code: string;
}

/** The ```ts / ```typescript blocks of a Markdown text, indented ones (in list items) included. */
export function snippets(file: string, text: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(ts|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, , info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j].trim() === fence && lines[j].startsWith(indent)); j++) body.push(lines[j].slice(indent.length));
    out.push({ file, line: i + 2, fragment: /\bfragment\b/.test(info), code: body.join('\n') });
    i = j;
  }
  return out;
}

function docs(): Snippet[] {
  const files = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  return files.flatMap((f) => snippets(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
}

/** The source a snippet is checked as: imports of the API made absolute; a fragment inside its scope, on its own lines. */
function sourceOf(s: Snippet, exported: string[]): { text: string; offset: number } {
  const code = s.code.replace(/(from\s+['"])(\.\.?\/)+lib(['"])/g, `$1${LIB.replace(/\.ts$/, '')}$3`);
  if (!s.fragment) return { text: code, offset: 0 };
  const head = `import { ${exported.join(', ')} } from ${JSON.stringify(LIB.replace(/\.ts$/, ''))};\nimport { Duration } from 'cdk8s';\n${FRAGMENT_SCOPE}\n{\n`;
  return { text: `${head}${code}\n}\nexport {};\n`, offset: head.split('\n').length - 1 };
}

/** Type errors of each snippet, as `file:line: message` at the line of the Markdown file. */
function typeErrors(list: Snippet[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  // A snippet may leave a value unused (`const env = ...` to show its props).
  const options = { ...config.options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true };
  const probe = ts.createProgram([LIB], options);
  const checker = probe.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(probe.getSourceFile(LIB)!)!).map((x) => x.name).sort();
  const virtual = new Map(list.map((s, i) => [path.join(ROOT, '__doc_snippets__', `${i}.ts`), { snippet: s, ...sourceOf(s, exported) }]));
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => virtual.get(f)?.text ?? read(f);
  host.fileExists = (f) => virtual.has(f) || exists(f);
  const program = ts.createProgram([...virtual.keys()], options, host, probe);
  return [...virtual.entries()].flatMap(([f, v]) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line - v.offset : 0;
    return `${v.snippet.file}:${v.snippet.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  }));
}

describe('the TypeScript snippets of the docs', () => {
  const all = docs();

  test('are found in README.md and docs/*.md, fragments marked', () => {
    expect(all.length).toBeGreaterThanOrEqual(7);
    expect(all.filter((s) => s.fragment).length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((s) => s.file))).toEqual(new Set(['README.md', 'docs/gitops.md', 'docs/releases.md', 'docs/secrets.md', 'docs/traffic.md']));
  });

  test('every one compiles against the public API', () => {
    expect(typeErrors(all)).toEqual([]);
  }, 120_000);

  test('a broken snippet is reported at its line of the Markdown file, a whole file and a fragment alike', () => {
    const broken = snippets('docs/x.md', [
      '# x', '', '```ts fragment', "const t = AnalysisTemplate.successRate(env, 't', { prometheusAddress });", 'new JavaApp(env, \'a\', { image: \'x/y:1\', strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [rateWithCount] } }) });', '```',
      '', '```ts', "import { JavaApp } from './lib';", "new JavaApp(undefined as any, 'a', { image: 1 });", '```', '',
    ].join('\n'));
    expect(broken.map((s) => [s.line, s.fragment])).toEqual([[4, true], [9, false]]);
    expect(typeErrors(broken)).toEqual([
      "docs/x.md:5: Cannot find name 'rateWithCount'.",
      "docs/x.md:10: Type 'number' is not assignable to type 'string'.",
    ]);
  }, 120_000);
});
