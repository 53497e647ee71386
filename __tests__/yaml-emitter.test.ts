import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlatformApp, stringifyManifest, YAML_OPTIONS } from '../lib';
import { stringifySimple } from '../lib/synth/yaml-emitter';
import { TYPED_SCALAR_TESTS } from '../lib/synth/yaml-strings';
import { declarePlatform } from '../bench/apps';
import { ALL_TRICKY_SCALARS, generatedMultiLineStrings, seededRandom } from './support/tricky-scalars';

const library = (doc: unknown) => YAML.stringify(doc, YAML_OPTIONS);

/** Multi-line strings by hand: block headers, blanks, trailing breaks and blanks, document markers, tabs, CR, long lines. */
const MULTI_LINE = [
  'a\nb', 'a\nb\n', 'a\nb\n\n', 'a\nb\n\n\n', '\n', '\n\n', '\na', '\n\na\n', ' a\nb', '  a\n b\n', '\n  a\n', 'a\n\n\nb', 'a \nb', 'a\n b',
  'a\t\nb', 'a\n\tb', 'a\n ', 'a\n\t', 'a\n\n ', '#!/bin/sh\nset -eu\necho "{{inputs.parameters.x}}" | tr a b\n', '---\na: b\n', 'x\n---\n...\n',
  '...\n', '%YAML\nx', 'x\n%\n', 'key: value\n- item\n', 'é\n日本語\n🚀', 'a\r\nb\n', 'a\rb\nc', `${'x'.repeat(2000)}\n${'y '.repeat(500)}\n`, 'it\'s\n"q"\n',
  'trailing spaces  \nline\n', '\t\n', ' \n', 'a\u2028\nb\n', '\tfirst\nsecond', '\n\n\tx\n', '   \n', ' \n\t\n', `${'x'.repeat(40)}\r\n \nend`,
  `${'x'.repeat(40)}\n \n`, 'a\n \nb\n', 'summary: {{ $labels.app }} is down\ndescription: >\n  more\n',
];

const TRICKY = [
  'true', 'True', 'FALSE', 'yes', 'No', 'null', 'Null', '~', '', '0', '8080', '-1', '+1', '1.0', '1.', '.5', '1e3', '1E-3',
  '0x1F', '0o7', '1_000', '.inf', '-.Inf', '.nan', '-', '- a', '-a', '--a', '---a', '...a', '..a', 'a: b', 'a:', 'a:b', '::',
  'a ', ' a', '#a', 'a #b', 'a#b', '@a', 'a@b', '%a', 'a%', 'a,b', ',a', '=a', '+a', '?a', '? a', 'a?', '!a', '&a', '*a',
  '|a', '>a', "'a", '"a', '`a', '[a', 'a]', '{a', 'a}', 'x\ny', 'x\n', ' x\n y', 'é', 'a"b', "a'b", 'a\\b', 'a\tb',
  'on', 'y', 'Off', '0O17', '0X1F', '+_1', '0_x1F', '1e_3', '1:20', '2001-12-14', '=', '<<', 'a\u2028b', 'a\x85b', 'a\x7fb',
  '-Xmx1g -XX:+UseG1GC -Dspring.profiles.active=prod', '/actuator/health', 'http://orders:8080/x', 'registry.example.com/a/b:1.2.3',
];

/** A deterministic generator of documents mixing simple and tricky content. */
function* randomDocs(count: number): Generator<unknown> {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const scalar = (): unknown => pick([() => pick(TRICKY), () => `v${Math.floor(next() * 1000)}`, () => Math.floor(next() * 100000) - 50,
    () => next() * 10, () => next() < 0.5, () => null, () => 'plain text value'])();
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.5) return scalar();
    if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => [next() < 0.2 ? pick(TRICKY) : `key${i}`, value(depth + 1)]));
  };
  for (let i = 0; i < count; i++) yield { apiVersion: 'v1', kind: 'ConfigMap', data: value(0) };
}

describe('YAML emitter', () => {
  test('writes every synthesized object exactly as the YAML library does, all of them without it', () => {
    const app = new PlatformApp({ outdir: 'unused' });
    declarePlatform(app, 40, 'environment');
    const docs = app.manifests().map((m) => m.doc);
    for (const doc of docs) expect(stringifyManifest(doc)).toBe(library(doc));
    // Multi-line files (application.yaml), scripts and expressions included.
    expect(docs.filter((doc) => stringifySimple(doc) === undefined).map((doc) => doc.kind)).toEqual([]);
  });

  test('the committed dist/ is what the library would write, every document written without it', () => {
    const dist = path.join(__dirname, '..', 'dist');
    let documents = 0;
    for (const folder of fs.readdirSync(dist).filter((f) => fs.statSync(path.join(dist, f)).isDirectory())) {
      for (const file of fs.readdirSync(path.join(dist, folder)).filter((f) => f.endsWith('.yaml') || f === 'Kustomization')) {
        const text = fs.readFileSync(path.join(dist, folder, file), 'utf8');
        for (const doc of YAML.parseAllDocuments(text)) {
          expect(stringifySimple(doc.toJS())).toBe(library(doc.toJS()));
          documents++;
        }
      }
    }
    expect(documents).toBeGreaterThan(50);
  });

  test('a synth of the sample never loads the YAML library', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-emitter-'));
    const probe = path.join(outdir, 'probe.js');
    // Run beside bin/synth.js: at exit, the modules of the project's `yaml` (cdk8s carries a copy of its own) that were loaded.
    fs.writeFileSync(probe, `process.on('exit', () => process.stderr.write('yaml modules: ' + Object.keys(require.cache)
      .filter((f) => f.includes('/node_modules/yaml/') && !f.includes('/node_modules/cdk8s/')).length + '\\n'));\n`);
    const root = path.join(__dirname, '..');
    const run = spawnSync(process.execPath, ['-r', probe, path.join(root, 'bin', 'synth.js'), '--quiet', '--outdir', path.join(outdir, 'dist')], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('yaml modules: 0\n');
    expect(fs.readdirSync(path.join(outdir, 'dist'))).toContain('dev');
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 60_000);

  test('the typed-scalar test is the one the library derives from its schema and the compat tags', () => {
    const { tags, compat } = new YAML.Document(null, YAML_OPTIONS).schema;
    const tests = [...tags, ...(compat ?? [])]
      .filter((tag: any) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test)
      .map((tag: any) => tag.test as RegExp);
    expect(tests.map(String)).toEqual(TYPED_SCALAR_TESTS.map(String));
    // Joined into one expression: no flags, no back-references.
    expect(tests.filter((re) => re.flags !== '' || /\\[1-9]/.test(re.source))).toEqual([]);
  });

  test.each(TRICKY)('the scalar %j as a key, a value and a list item', (s) => {
    const doc = { [s]: s, list: [s, { [s]: [s] }], nested: { deeper: { [s]: s } } };
    expect(stringifyManifest(doc)).toBe(library(doc));
  });

  test('every scalar of the round-trip table, as a key, a value and a list item, matches the library', () => {
    for (const s of ALL_TRICKY_SCALARS) {
      const doc = { [s]: s, list: [s, { [s]: [s] }] };
      expect({ s, yaml: stringifyManifest(doc) }).toEqual({ s, yaml: library(doc) });
    }
  });

  test('strings YAML 1.1 readers take for another type are quoted on the fast path; near misses stay plain', () => {
    for (const s of ['on', 'y', 'NO', 'Off', '017', '0o17', '0O17', '0X1F', '0b101', '+_1', '0_x1F', '1_000', '1e_3', '1e3', '.5', '1:20', '2001-12-14', '2001-1-2', '=']) {
      expect({ s, yaml: stringifySimple({ k: s }) }).toEqual({ s, yaml: `k: "${s}"\n` });
      expect({ s, yaml: stringifySimple({ [s]: 1 }) }).toEqual({ s, yaml: `"${s}": 1\n` });
    }
    for (const s of ['yES', 'oN', 'none', '1.2.3', 'v1', '==', '0xG', '1e', '20011214x', 'a=b']) {
      expect({ s, yaml: stringifySimple({ k: s }) }).toEqual({ s, yaml: `k: ${s}\n` });
    }
  });

  test('characters YAML 1.1 reads as line breaks or refuses are escaped in double quotes, and read back by the library', () => {
    const doc = { nel: 'a\x85b', ls: 'a\u2028b', ps: 'a\u2029b', del: 'a\x7fb', c1: 'a\x86b', nonChar: 'a\uffffb', multi: 'x\u2028\ny\n', [`k\u2028`]: 'v' };
    const yaml = stringifyManifest(doc);
    expect(yaml).toBe('nel: "a\\Nb"\nls: "a\\Lb"\nps: "a\\Pb"\ndel: "a\\x7Fb"\nc1: "a\\x86b"\nnonChar: "a\\uFFFFb"\nmulti: "x\\L\\ny\\n"\n"k\\L": v\n');
    expect(/[\x7f-\x9f\u2028\u2029\uffff]/.test(yaml)).toBe(false);
    expect(YAML.parse(yaml)).toEqual(doc);
  });

  test('numbers, booleans, null, empty and nested collections', () => {
    const doc = {
      int: 42, negative: -7, zero: 0, negativeZero: -0, fraction: 0.25, long: 'word '.repeat(400).trim(), big: 1e21, yes: true, no: false, none: null,
      emptyList: [], emptyMap: {}, listOfEmpties: [{}, [], {}], listOfLists: [[1, 2], [[]]], mapInList: [{ a: 1, b: [{ c: {} }] }],
    };
    expect(stringifyManifest(doc)).toBe(library(doc));
    expect(stringifyManifest({})).toBe(library({}));
    const longKey = { [`k${'e'.repeat(1100)}y`]: 1, short: { [`k${'e'.repeat(1022)}`]: 2 } };
    expect(stringifyManifest(longKey)).toBe(library(longKey));
  });

  test('random documents with tricky content match the library byte for byte, written without it', () => {
    for (const doc of randomDocs(3000)) {
      expect(stringifyManifest(doc)).toBe(library(doc));
      expect(stringifySimple(doc)).toBe(library(doc));
    }
  });

  /**
   * A string in every place of a document: key (unless it is too long for an implicit key) and value
   * of maps at several depths, item of sequences and of nested ones.
   */
  const everywhere = (s: string) => {
    const key = s.length > 1000 ? 'long' : s;
    return { [key]: s, value: s, nested: { deeper: { [key]: s, list: [s, s] } }, list: [s, { [key]: s, k: [s] }, [s, [s]]], after: 1 };
  };

  test.each(ALL_TRICKY_SCALARS.concat(MULTI_LINE).map((s) => [JSON.stringify(s).slice(0, 60), s]))('%s in every place is written as the library does, without it', (_, s) => {
    const doc = everywhere(s);
    expect(stringifySimple(doc)).toBe(library(doc));
  });

  test('thousands of generated multi-line strings (scripts, files, descriptions) in every place match the library', () => {
    const strings = generatedMultiLineStrings(3000);
    // The generator reaches every block header, and double quotes (a value ending in a break and blanks, control characters).
    const headers = new Set(strings.map((s) => /^(\|[0-9+-]*|")/.exec(stringifySimple({ k: s })!.slice(3))?.[1]));
    expect([...headers].sort()).toEqual(['"', '|', '|+', '|-', '|2', '|2+', '|2-']);
    for (const s of strings) {
      const doc = everywhere(s);
      expect({ s, yaml: stringifySimple(doc) }).toEqual({ s, yaml: library(doc) });
    }
  });

  test('every escape of double quotes, alone, beside line breaks and in long strings, matches the library', () => {
    const chars = [...Array.from({ length: 0xa1 }, (_, c) => String.fromCharCode(c)), '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udfff', '\ud83d\ude80', '\ud83d'];
    for (const c of chars) {
      for (const s of [c, `a${c}b`, `${c}\n`, `"${c}\n${c}'`, `${'x'.repeat(40)}${c}\n \n\n\n${c} \n`, `it's ${c}\n\n`]) {
        const doc = everywhere(s);
        expect({ s, yaml: stringifySimple(doc) }).toEqual({ s, yaml: library(doc) });
      }
    }
    // Long double-quoted text with line breaks is written over several lines (escaped blanks around them), short text on one.
    const long = 'first line ends with a space \n second starts with one\n\n\nlast \u0007';
    expect(stringifySimple({ k: { k: long } })).toBe(library({ k: { k: long } }));
    expect(stringifySimple({ k: long })).toContain('\n\n');
  });

  test('fractions, exponents, negative zero, infinities and NaN as the library writes them', () => {
    const numbers = [0.5, -0.25, 1 / 3, 1e21, 1e-7, -1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, -0, 0, NaN, Infinity, -Infinity, 123.456e10, 2 ** 53, -(2 ** 60)];
    const next = seededRandom(3);
    for (let i = 0; i < 500; i++) numbers.push((next() - 0.5) * 10 ** Math.floor(next() * 60 - 30));
    const doc = { values: numbers, byKey: Object.fromEntries(numbers.map((n, i) => [`n${i}`, n])), nested: [[numbers[0], [numbers[1]]]] };
    expect(stringifySimple(doc)).toBe(library(doc));
  });

  test('what only the library knows still goes to it, and is written as it writes it', () => {
    class Thing { public a = 1; }
    const odd: unknown[] = [{ when: new Date(0) }, { gone: undefined, kept: 1 }, { list: [1, undefined] }, { list: [1, , 3] }, { big: 10n },
      { thing: new Thing() }, { own: { toJSON: () => 'x' } }, { [`k${'e'.repeat(1100)}y`]: 1 }, ['top', 'level'], {}, 'text', { list: Object.assign([1], { toJSON: () => 2 }) }];
    for (const doc of odd) {
      expect(stringifySimple(doc)).toBeUndefined();
      expect(stringifyManifest(doc)).toBe(library(doc));
    }
  });
});
