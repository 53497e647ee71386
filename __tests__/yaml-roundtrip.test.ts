import * as fs from 'fs';
import * as path from 'path';
import { KubeConfigMap } from 'cdk8s-plus-27/lib/imports/k8s';
import * as YAML from 'yaml';
import { JavaApp, Manifest, PlatformApp, stringifyManifest } from '../lib';
import { renderFiles } from '../lib/platform/platform-app';
import { writeAtomically } from '../lib/synth/output-folder';
import { declarePlatform } from '../bench/apps';
import { platform, tempDir } from './support/platform';
import { ALL_TRICKY_SCALARS, CONFIG_MAP_KEY, generatedMultiLineStrings, LABEL_VALUE, TRICKY_SCALARS } from './support/tricky-scalars';
import { asJson, buildGoReader, byObject, Doc, foldersOf, hasKustomize, kustomize, readTree, readWithGo } from './support/yaml-readers';

/**
 * What the synth meant (the objects before serialization) is what the cluster's readers get from
 * the YAML: sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), as kubectl and Argo CD read it, and
 * `kubectl kustomize`, as Argo CD renders a folder with a kustomization.
 */
const ROOT = path.join(__dirname, '..');

beforeAll(() => {
  buildGoReader();
});

const kustomizeHere = hasKustomize();
if (!kustomizeHere) console.log('yaml-roundtrip.test.ts: kubectl is not installed, so the `kubectl kustomize` round trips were skipped');
const withKustomize = kustomizeHere ? test : test.skip;

/** The sample's manifests as main.ts declares them, without writing anything. */
function sampleManifests(): Manifest[] {
  let captured: Manifest[] | undefined;
  const synth = jest.spyOn(PlatformApp.prototype, 'synth').mockImplementation(function (this: PlatformApp) {
    captured = this.manifests();
  });
  try {
    require('../main');
  } finally {
    synth.mockRestore();
  }
  if (!captured) throw new Error('main.ts did not synthesize');
  return captured;
}

/** Expected objects of each folder: what the synth meant, as JSON carries it. */
function expectedByFolder(manifests: Manifest[]): Map<string, Map<string, Doc>> {
  const out = new Map<string, Doc[]>();
  for (const m of manifests) {
    const folder = m.file.split('/')[0];
    out.set(folder, [...(out.get(folder) ?? []), asJson(m.doc)]);
  }
  return new Map([...out].map(([folder, docs]) => [folder, byObject(docs)]));
}

/** Each folder's objects read back through the Go reader, from the folder's YAML files (not the kustomization). */
function goReadFolders(files: Map<string, string>): Map<string, Map<string, Doc>> {
  const out = new Map<string, Map<string, Doc>>();
  for (const [folder, names] of foldersOf(files)) {
    const stream = names.filter((f) => f.endsWith('.yaml')).map((f) => files.get(f)!).join('---\n');
    out.set(folder, byObject(readWithGo(stream)));
  }
  return out;
}

function expectSameObjects(actual: Map<string, Doc>, expected: Map<string, Doc>, where: string): void {
  expect({ where, objects: [...actual.keys()].sort() }).toEqual({ where, objects: [...expected.keys()].sort() });
  for (const [key, doc] of expected) expect({ [key]: actual.get(key) }).toEqual({ [key]: doc });
}

/** Writes the files to a temporary folder, renders every folder with kustomize and reads the output with the Go reader. */
function kustomizeFolders(files: Map<string, string>): Map<string, Map<string, Doc>> {
  const dir = tempDir();
  try {
    writeAtomically(dir, files);
    return new Map([...foldersOf(files).keys()].map((folder) => [folder, byObject(readWithGo(kustomize(path.join(dir, folder))))]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the sample (main.ts) and its committed dist/', () => {
  const manifests = sampleManifests();
  const expected = expectedByFolder(manifests);
  const committed = readTree(path.join(ROOT, 'dist'));

  test('every folder of dist/ is in the sample, and the other way round', () => {
    expect([...foldersOf(committed).keys()].sort()).toEqual([...expected.keys()].sort());
  });

  test('every object of the committed dist/ reads back through sigs.k8s.io/yaml as the synth meant it', () => {
    const read = goReadFolders(committed);
    for (const [folder, objects] of expected) expectSameObjects(read.get(folder)!, objects, `dist/${folder}`);
    // The kustomizations too: they list the folder's files.
    for (const folder of expected.keys()) {
      const [kustomization] = readWithGo(committed.get(`${folder}/Kustomization`)!) as Doc[];
      expect(kustomization.resources).toEqual([...foldersOf(committed).get(folder)!].filter((f) => f.endsWith('.yaml')).map((f) => f.slice(folder.length + 1)));
    }
  });

  withKustomize('`kubectl kustomize dist/<folder>` renders every object as the synth meant it', () => {
    for (const [folder, objects] of expected) {
      expectSameObjects(byObject(readWithGo(kustomize(path.join(ROOT, 'dist', folder)))), objects, `kubectl kustomize dist/${folder}`);
    }
  }, 120_000);
});

describe("the benchmark's generated apps", () => {
  const app = new PlatformApp({ outdir: 'unused' });
  declarePlatform(app, 60, 'environment');
  const manifests = app.manifests();
  const expected = expectedByFolder(manifests);
  const files = renderFiles(manifests);

  test('every object reads back through sigs.k8s.io/yaml as the synth meant it', () => {
    expect(manifests.length).toBeGreaterThan(1000);
    const read = goReadFolders(files);
    for (const [folder, objects] of expected) expectSameObjects(read.get(folder)!, objects, folder);
  });

  withKustomize('every object renders through `kubectl kustomize` as the synth meant it', () => {
    const rendered = kustomizeFolders(files);
    for (const [folder, objects] of expected) expectSameObjects(rendered.get(folder)!, objects, `kubectl kustomize ${folder}`);
  }, 120_000);
});

describe('a table of tricky scalars', () => {
  const values = ALL_TRICKY_SCALARS;
  const labelValues = values.filter((v) => v.length <= 63 && LABEL_VALUE.test(v));
  const dataKeys = values.filter((k) => k.length <= 253 && CONFIG_MAP_KEY.test(k) && k !== '.' && !k.startsWith('..'));
  // kustomize (kyaml) reads DEL and C1 controls from escapes, then writes them raw: it refuses its own
  // output, or, for NEL, reads it back as a line break.
  const KUSTOMIZE_CANNOT = /[\x7f-\x9f]/;
  const indexed = (xs: string[], prefix: string) => Object.fromEntries(xs.map((x, i) => [`${prefix}${String(i).padStart(3, '0')}`, x]));

  /** One app and one ConfigMap carrying the values where the API server takes them. */
  function tricky(values: string[]): Manifest[] {
    const labelValues = values.filter((v) => v.length <= 63 && LABEL_VALUE.test(v));
    const dataKeys = values.filter((k) => k.length <= 253 && CONFIG_MAP_KEY.test(k) && k !== '.' && !k.startsWith('..'));
    const { app, env } = platform();
    new JavaApp(env, 'tricky', {
      image: 'registry.example.com/tricky:1.0.0',
      env: indexed(values, 'VALUE_'),
      nodeSelector: indexed(labelValues, 'example.com/value-'),
      ingress: { host: 'tricky.example.com', tlsSecretName: 'tricky-tls', annotations: indexed(values, 'example.com/value-') },
    });
    new KubeConfigMap(env, 'tricky-data', {
      metadata: { name: 'tricky-data', labels: indexed(labelValues, 'example.com/value-'), annotations: indexed(values, 'example.com/value-') },
      data: { ...Object.fromEntries(dataKeys.map((k) => [k, k])), ...indexed(values, 'value-') },
    });
    return app.manifests();
  }

  const manifests = tricky(values);
  const expected = expectedByFolder(manifests);
  const files = renderFiles(manifests);
  const get = (objects: Map<string, Doc>, kind: string, name: string) => [...objects.values()].find((d) => d.kind === kind && d.metadata.name === name)!;

  /** Every place a tricky value went, as read back: [where, what was meant, what came back]. */
  function places(objects: Map<string, Doc>): Record<string, Record<string, unknown>> {
    const deployment = get(objects, 'Deployment', 'tricky');
    const container = deployment.spec.template.spec.containers[0];
    const configMap = get(objects, 'ConfigMap', 'tricky-data');
    return {
      'env values': Object.fromEntries(container.env.filter((e: Doc) => e.name.startsWith('VALUE_')).map((e: Doc) => [e.name, e.value])),
      'nodeSelector values': deployment.spec.template.spec.nodeSelector,
      'Ingress annotation values': Object.fromEntries(Object.entries(get(objects, 'Ingress', 'tricky').metadata.annotations).filter(([k]) => k.startsWith('example.com/'))),
      'label values': Object.fromEntries(Object.entries(configMap.metadata.labels).filter(([k]) => k.startsWith('example.com/'))),
      'annotation values': Object.fromEntries(Object.entries(configMap.metadata.annotations).filter(([k]) => k.startsWith('example.com/'))),
      'ConfigMap data keys and values': configMap.data,
    };
  }

  test('the table covers every family, keys as well as values', () => {
    expect(values.length).toBeGreaterThanOrEqual(169);
    expect(Object.keys(TRICKY_SCALARS).length).toBeGreaterThanOrEqual(15);
    // Keys: label-safe and ConfigMap-key-safe tricky values exist in each number/bool family.
    for (const v of ['yes', 'on', 'n', '0x1F', '1_000', '0b101', '017', '2001-12-14', '1e3', 'NULL']) expect(labelValues).toContain(v);
    for (const k of ['y', 'off', '0o17', '.5', '1e3', '.inf', '2001-12-14', '1_000']) expect(dataKeys).toContain(k);
    // The meant objects carry every value as a string.
    const meant = places(expected.get('dev')!);
    expect(Object.values(meant['env values'])).toEqual(values);
    expect(Object.values(meant['ConfigMap data keys and values']).every((v) => typeof v === 'string')).toBe(true);
  });

  test('without the YAML 1.1 rules, sigs.k8s.io/yaml changes dozens of them (the table has teeth)', () => {
    const written = [...files].filter(([f]) => f.endsWith('.yaml')).map(([, text]) => text).join('---\n');
    expect(written).toContain('value: "on"');
    // The same values written by the library as plain YAML 1.2, as list items (a `<<` key would not even
    // parse, nor would DEL or a C1 control written raw: left out here).
    const readable = values.filter((v) => !/[\x7f-\x9f\u2028\u2029]/.test(v));
    const [doc] = readWithGo(YAML.stringify({ readable }, { lineWidth: 0 })) as Doc[];
    const changed = readable.filter((v, i) => doc.readable[i] !== v);
    expect(changed.length).toBeGreaterThan(30);
    expect(changed).toEqual(expect.arrayContaining(['yes', 'on', 'Off', '1_000', '0b101', '0X1F']));
  });

  // Random strings over the characters of numbers, bools, nulls, dates and merge keys.
  function generatedStrings(): string[] {
    // mulberry32: a small deterministic generator.
    let seed = 12;
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(next() * xs.length)];
    const digits = (min: number, max: number) => Array.from({ length: min + Math.floor(next() * (max - min + 1)) }, () => pick('0123456789')).join('');
    const maybe = (s: () => string) => (next() < 0.5 ? s() : '');
    const alphabet = '0123456789+-._:eExXbBoOtTyYnNfF~=<,Z ';
    const free = Array.from({ length: 20000 }, () => Array.from({ length: 1 + Math.floor(next() * 7) }, () => pick(alphabet)).join(''));
    // Dates and times in the shapes of YAML 1.1 and of Go's time.Parse layouts, with their near misses.
    const dates = Array.from({ length: 3000 }, () => `${digits(3, 5)}-${digits(1, 3)}-${digits(1, 3)}${maybe(() => `${pick('Tt  _')}${digits(1, 2)}:${digits(1, 2)}:${digits(1, 2)}${maybe(() => `${pick('.,')}${digits(0, 3)}`)}${maybe(() => pick(['Z', ' Z', `${pick('+-')}${digits(1, 2)}`, `${pick('+-')}${digits(2, 2)}:${digits(2, 2)}`]))}`)}`);
    return [...new Set([...free, ...dates])];
  }
  const generated = generatedStrings();
  const generatedDoc = { apiVersion: 'example.com/v1', kind: 'Strings', metadata: { name: 'generated' }, values: generated, keys: Object.fromEntries(generated.map((s) => [s, s])) };

  test('thousands of generated number-, bool- and date-like strings read back through sigs.k8s.io/yaml as written, as keys and values', () => {
    expect(generated.length).toBeGreaterThan(10000);
    const doc = generatedDoc;
    const text = stringifyManifest(doc);
    const [read] = readWithGo(text) as Doc[];
    expect(read).toEqual(asJson(doc));
    // And through the library's own YAML 1.2 reading (keys are unique by construction: no quadratic check).
    expect(YAML.parse(text, { uniqueKeys: false })).toEqual(asJson(doc));
  });

  test('generated multi-line strings (block literals of every header, quoted forms) read back through sigs.k8s.io/yaml as written', () => {
    const strings = generatedMultiLineStrings(2000);
    const doc = { apiVersion: 'example.com/v1', kind: 'Strings', metadata: { name: 'multi-line' }, values: strings, nested: [{ data: Object.fromEntries(strings.map((v, i) => [`k${i}`, v])) }] };
    const text = stringifyManifest(doc);
    expect(text).toMatch(/: \|2\+\n/);
    expect(readWithGo(text)).toEqual([asJson(doc)]);
  });

  test('text the YAML library would write so that it reads back otherwise is double-quoted, and reads back through sigs.k8s.io/yaml', () => {
    const x40 = 'x'.repeat(40);
    // A tab opening a block's first line, blanks-only blocks, a line of one space in folded double quotes: the library's choices misread.
    const cases = { tabFirst: '\tcol1\tcol2\nrow\n', tabAfterBreak: '\n\tx\n', blanks: '   \n', blanksAndTab: ' \n\t\n', oneSpaceLine: `${x40}\r\n \nend`, tabLater: 'a\n\tb\n' };
    const text = stringifyManifest(cases);
    expect(text).toBe([
      'tabFirst: "\\tcol1\\tcol2\\nrow\\n"', 'tabAfterBreak: "\\n\\tx\\n"', 'blanks: "  \\ \\n"', 'blanksAndTab: "\\ \\n\\t\\n"',
      `oneSpaceLine: "${x40}\\r\\n\\ \\nend"`, 'tabLater: |', '  a', '  \tb', '',
    ].join('\n'));
    expect(readWithGo(text)).toEqual([cases]);
    expect(YAML.parse(text)).toEqual(cases);
    // What the library writes without the compat tags does not read back.
    const plain = YAML.stringify(cases, { lineWidth: 0 });
    expect(() => readWithGo(plain)).toThrow(/found a tab character where an indentation space is expected/);
    const { tabFirst, tabAfterBreak, blanksAndTab, ...rest } = cases;
    expect(YAML.parse(YAML.stringify(rest, { lineWidth: 0 }))).toEqual({ ...rest, blanks: '\n', oneSpaceLine: `${x40}\r\n\\\nend` });
  });

  withKustomize('the generated strings read back through `kubectl kustomize` as written (but a `<<` key)', () => {
    const files = new Map([['generated/strings.yaml', stringifyManifest(generatedDoc)], ['generated/Kustomization', 'resources: [strings.yaml]\n']]);
    const [rendered] = kustomizeFolders(files).get('generated')!.values();
    // kustomize (kyaml) takes a `<<` key for a merge key even when quoted, and drops it: see the limits below.
    const { '<<': merge, ...keys } = generatedDoc.keys;
    expect(merge).toBe('<<');
    expect(rendered).toEqual({ ...generatedDoc, keys });
  }, 120_000);

  let goRead: Map<string, Doc> | undefined;
  test.each(Object.keys(places(expected.get('dev')!)))('%s read back through sigs.k8s.io/yaml as written', (place) => {
    goRead ??= goReadFolders(files).get('dev')!;
    expect(places(goRead)[place]).toEqual(places(expected.get('dev')!)[place]);
  });

  withKustomize('every place reads back through `kubectl kustomize` as written', () => {
    const carried = values.filter((v) => !KUSTOMIZE_CANNOT.test(v));
    expect(values.length - carried.length).toBe(3);
    const own = tricky(carried);
    const rendered = kustomizeFolders(renderFiles(own)).get('dev')!;
    const meant = places(expectedByFolder(own).get('dev')!);
    for (const [place, got] of Object.entries(places(rendered))) expect({ place, got }).toEqual({ place, got: meant[place] });
  }, 120_000);

  withKustomize('kustomize cannot carry a `<<` key, DEL, NEL or C1 controls however they are quoted (kustomize limits, not the YAML)', () => {
    // Not a valid ConfigMap key, so written without the gate.
    const merge = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'merge', namespace: 'shop-dev' }, data: { '<<': 'x', y: 'z' } };
    const mergeFiles = new Map([['dev/merge.yaml', stringifyManifest(merge)], ['dev/Kustomization', 'resources: [merge.yaml]\n']]);
    expect(mergeFiles.get('dev/merge.yaml')).toContain('"<<": x');
    expect(readWithGo(mergeFiles.get('dev/merge.yaml')!)).toEqual([merge]);
    expect(kustomizeFolders(mergeFiles).get('dev')!.get('v1 ConfigMap shop-dev/merge')!.data).toEqual({ y: 'z' });

    for (const v of values.filter((x) => KUSTOMIZE_CANNOT.test(x))) {
      const { app, env } = platform();
      new KubeConfigMap(env, 'control', { metadata: { name: 'control' }, data: { v } });
      const files = app.files();
      expect(files.get('dev/control.yaml')).toMatch(/v: "a\\(x7F|x86|N)b"/);
      expect((readWithGo(files.get('dev/control.yaml')!)[0] as Doc).data.v).toBe(v);
      if (v === 'a\x85b') expect(kustomizeFolders(files).get('dev')!.get('v1 ConfigMap shop-dev/control')!.data.v).toBe('a b');
      else expect(() => kustomizeFolders(files)).toThrow(/control characters are not allowed/);
    }
  }, 120_000);
});
