import * as path from 'path';
import * as ts from 'typescript';
import { PropType, SCHEMAS } from '../../lib/props/schema';
import '../../lib';

/**
 * Holds every runtime props schema (beside its interface, e.g. `JavaAppPropsSchema` in
 * lib/app/props.ts) to its TypeScript interface, through the compiler API: same keys, same
 * required keys, same primitive types; and every interface that the public API takes as props or
 * options (constructors and static factories, nested options included) has a schema. A prop added
 * to an interface without its schema fails here, naming it.
 */
const LIB = path.join(__dirname, '..', '..', 'lib');
const program = ts.createProgram([path.join(LIB, 'index.ts')], { strict: true, skipLibCheck: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true });
const checker = program.getTypeChecker();
const index = program.getSourceFile(path.join(LIB, 'index.ts'))!;
const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s));

const inLib = (s: ts.Symbol | undefined) => !!s?.declarations?.some((d) => d.getSourceFile().fileName.startsWith(LIB + '/'));

/** Interfaces of lib/ reachable from a type, through unions, arrays, records and properties. */
function collect(type: ts.Type, found: Map<string, ts.InterfaceType>, seen = new Set<ts.Type>()): void {
  if (seen.has(type)) return;
  seen.add(type);
  if (type.isUnion()) return type.types.forEach((t) => collect(t, found, seen));
  if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference).forEach((t) => collect(t, found, seen));
  for (const info of checker.getIndexInfosOfType(type)) collect(info.type, found, seen);
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (!symbol || !(symbol.flags & ts.SymbolFlags.Interface) || !inLib(symbol)) return;
  // Interfaces that constructs implement (IRolloutWorkload) are not props: the schema recognises them by shape.
  if (/^I[A-Z]/.test(symbol.name)) return;
  found.set(symbol.name, type as ts.InterfaceType);
  for (const p of checker.getPropertiesOfType(type)) collect(checker.getNonNullableType(checker.getTypeOfSymbol(p)), found, seen);
}

const reachable = new Map<string, ts.InterfaceType>();
for (const symbol of exports) {
  // Constructs, factories and the app; errors take problems, not props.
  if (!(symbol.flags & ts.SymbolFlags.Class) || symbol.name.endsWith('Error')) continue;
  const staticType = checker.getTypeOfSymbol(symbol);
  const signatures = [
    ...staticType.getConstructSignatures(),
    ...checker.getPropertiesOfType(staticType).flatMap((p) => checker.getTypeOfSymbol(p).getCallSignatures()),
  ];
  for (const sig of signatures) {
    for (const param of sig.getParameters()) collect(checker.getNonNullableType(checker.getTypeOfSymbol(param)), reachable);
  }
}

/** Every interface of lib/ by name. */
function interfaceNamed(name: string): ts.InterfaceType | undefined {
  for (const file of program.getSourceFiles().filter((f) => f.fileName.startsWith(LIB + '/'))) {
    for (const statement of file.statements) {
      if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) return checker.getTypeAtLocation(statement.name) as ts.InterfaceType;
    }
  }
  return undefined;
}

function primitiveOf(type: ts.Type): string | undefined {
  const t = checker.getNonNullableType(type);
  if (t.flags & ts.TypeFlags.NumberLike) return 'number';
  if (t.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (t.flags & ts.TypeFlags.StringLike && !(t.flags & ts.TypeFlags.EnumLike) && !t.isUnion()) return 'string';
  return undefined;
}

describe('props schemas match the TypeScript interfaces', () => {
  test('the public API takes these interfaces as props or options', () => {
    // The walk itself must find the known ones, or the comparison below would prove nothing.
    expect([...reachable.keys()]).toEqual(expect.arrayContaining(['JavaAppProps', 'IngressOptions', 'AutoscalingOptions', 'BlueGreenRolloutOptions', 'PreviewIngressOptions', 'HealthProbeOptions', 'PipelineImages', 'RolloutAnalysis']));
  });

  test('every interface the API takes has a schema', () => {
    const missing = [...reachable.keys()].filter((name) => !SCHEMAS.has(name)).sort();
    expect(missing).toEqual([]);
  });

  test.each([...SCHEMAS.keys()].sort())('%s: same keys, same required keys, same primitive types', (name) => {
    const schema = SCHEMAS.get(name)!;
    const type = interfaceNamed(name);
    expect(type).toBeDefined();
    const props = checker.getPropertiesOfType(type!);
    const keys = props.map((p) => p.name).sort();
    expect(Object.keys(schema.fields).sort()).toEqual(keys);
    const required = props.filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name).sort();
    expect(Object.entries(schema.fields).filter(([, f]) => f.required).map(([k]) => k).sort()).toEqual(required);
    for (const p of props) {
      const tsKind = primitiveOf(checker.getTypeOfSymbol(p));
      const kind = (schema.fields[p.name].type as PropType).kind;
      if (tsKind) expect(`${p.name}: ${kind}`).toBe(`${p.name}: ${tsKind}`);
      if (['number', 'string', 'boolean'].includes(kind)) expect(`${p.name}: ${tsKind}`).toBe(`${p.name}: ${kind}`);
    }
  });
});
