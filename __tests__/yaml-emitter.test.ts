import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlatformApp, stringifyManifest, YAML_OPTIONS } from '../lib';
import { stringifySimple } from '../lib/synth/yaml-emitter';
import { declarePlatform } from '../bench/apps';
import { ALL_TRICKY_SCALARS } from './support/tricky-scalars';

const library = (doc: unknown) => YAML.stringify(doc, YAML_OPTIONS);

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
  test('writes every synthesized object exactly as the YAML library does, most of them without it', () => {
    const app = new PlatformApp({ outdir: 'unused' });
    declarePlatform(app, 40, 'environment');
    const docs = app.manifests().map((m) => m.doc);
    for (const doc of docs) expect(stringifyManifest(doc)).toBe(library(doc));
    // Only multi-line strings (the apps' application.yaml) need the library.
    const slow = new Set(docs.filter((doc) => stringifySimple(doc) === undefined).map((doc) => doc.kind));
    expect([...slow]).toEqual(['ConfigMap']);
  });

  test('the committed dist/ is what the library would write', () => {
    const dist = path.join(__dirname, '..', 'dist');
    for (const folder of fs.readdirSync(dist).filter((f) => fs.statSync(path.join(dist, f)).isDirectory())) {
      for (const file of fs.readdirSync(path.join(dist, folder)).filter((f) => f.endsWith('.yaml'))) {
        const text = fs.readFileSync(path.join(dist, folder, file), 'utf8');
        for (const doc of YAML.parseAllDocuments(text)) expect(stringifyManifest(doc.toJS())).toBe(library(doc.toJS()));
      }
    }
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

  test('random documents with tricky content match the library byte for byte', () => {
    let simple = 0;
    for (const doc of randomDocs(3000)) {
      expect(stringifyManifest(doc)).toBe(library(doc));
      if (stringifySimple(doc) !== undefined) simple++;
    }
    // The generator reaches both paths.
    expect(simple).toBeGreaterThan(300);
    expect(simple).toBeLessThan(2700);
  });
});
