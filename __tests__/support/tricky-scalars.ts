/**
 * Strings that YAML readers are tempted to read as something else, by family. Each must reach the
 * cluster as written, whichever reader (YAML 1.2, YAML 1.1 through go-yaml v2, kustomize) reads it.
 */
export const TRICKY_SCALARS: Record<string, string[]> = {
  // YAML 1.1 booleans (go-yaml v2 resolve.go resolveMapList) and near misses.
  bools: ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
    'on', 'On', 'ON', 'off', 'Off', 'OFF', 'yES', 'oN', 'tRUE', 'nO', 'yes.', 'Yes-No'],
  nulls: ['~', 'null', 'Null', 'NULL', '', 'nULL', '~~', 'none', 'None'],
  // Every base and sign go's strconv.ParseInt(s, 0, 64) takes once underscores are stripped.
  ints: ['0', '1', '-1', '+1', '007', '017', '0o17', '0O17', '0x1F', '0X1F', '0x1f', '0xG', '0b101', '0B101', '-0b101', '+0x1F',
    '-0o17', '08', '09', '0777', '99999999999999999999', '18446744073709551615', '-9223372036854775809', '8080'],
  underscores: ['1_000', '1__0', '+_1', '-_1', '1_', '0_x1F', '0x_1F', '0b_1', '0o_7', '_1', '1_000.5', '1e_3', '1e3_0', '685.230_15e+03', '.5_5'],
  sexagesimal: ['1:20', '190:20:30', '-1:20', '+1:20', '1:20.5', '1:60', '12:30:00'],
  floats: ['.5', '-.5', '+.5', '1.', '1.0', '-1.0', '1e3', '1E3', '1e+3', '1e-3', '1.5e3', '.5e3', '6.8523015e+5', '1e999', '0x1p-2',
    '.', '..', '1.2.3', '1e', 'e3', '1,000'],
  infNan: ['.inf', '.Inf', '.INF', '-.inf', '+.inf', '+.Inf', '-.INF', '.nan', '.NaN', '.NAN', 'inf', 'Infinity', 'NaN', 'nan', '-inf'],
  timestamps: ['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.10Z', '2001-12-14 21:59:43.10 -5',
    '2001-12-15 2:59:43.10', '2001-1-2', '2001-12-14T21:59:43,10Z', '2001-12-14 21:59:43', '2001-12-14T21:59:43.10+05:00',
    '2001-12-14T21:59:43Z', '20011214', '2001-12', '21:59:43'],
  mergeAndValue: ['<<', '=', '<<<', '==', '< <', '<<: a', '=a'],
  indicators: ['-', '- a', '-a', '--a', '---', '---a', '...', '...a', '? a', '?', '?a', ':', ': a', 'a: b', 'a:', 'a:b', '::',
    '#a', 'a #b', 'a#b', '@a', '`a', '%a', '!a', '!!str', '&a', '*a', '|', '>', '|-', '>+', '[a]', '{a}', '[]', '{}', 'a,b', ',a'],
  quotes: ['"a"', "'a'", 'a"b', "a'b", 'a\\b', '\\n', '"', "'", "''", '""', '"\'"'],
  whitespace: [' a', 'a ', '  ', ' ', '\t', 'a\tb', '\ta', 'a\t', 'a  b'],
  multiline: ['a\nb', 'a\n', '\na', 'a\n\nb', ' x\n y', 'x\n\n', '\n', 'a\r\nb', 'a\rb', 'line one\n  indented\nlast', '- a\n- b', 'a: b\nc: d'],
  unicode: ['é', '日本語', '🚀', 'a\u00a0b', '\u00a0', 'a\u0085b', 'a\u2028b', 'a\u2029b', '\ufeffa', 'a\u200bb', '\u0007', 'a\x7fb',
    'a\u0086b', 'ß', 'Ω', 'עברית'],
  long: ['x'.repeat(3000), 'word '.repeat(400).trim(), 'a: b '.repeat(300).trim(), `${'y'.repeat(1100)}: z`],
  realistic: ['*.example.com', '${VAR}', '$(VAR)', '{{ .Values.x }}', 'key=value', 'http://a/#frag', '-Xmx1g -XX:+UseG1GC',
    '/actuator/health', 'registry.example.com/a/b:1.2.3', 'postgres://db:5432/x?sslmode=require', '1.27', '1.10', 'v1', '0.1.0'],
};

export const ALL_TRICKY_SCALARS: string[] = [...new Set(Object.values(TRICKY_SCALARS).flat())];

/** Label values the API server accepts (apimachinery validation.IsValidLabelValue): the table's values that may be labels. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** ConfigMap data keys the API server accepts (validation.IsConfigMapKey). */
export const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** mulberry32: a small deterministic generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces of lines that scripts, config files and rule descriptions hold, and what trips block scalars up. */
const LINE_PIECES = [
  '', ' ', '  ', '   ', '\t', 'a', 'text', '  indented', '    deeper', 'trailing ', 'trailing\t', '\tleading tab', 'tab\there',
  '# comment', 'a # b', 'key: value', 'key:', '- item', '-', '? q', '---', '...', '--- x', '...y', '%YAML 1.2', '%', '|', '|-', '>+',
  'é ü 日本語 🚀', '"quoted"', "it's", '\'both" quotes', '{{ inputs.parameters.image }}', '{{= sprig.trim(x) }}', '$(VAR) ${X}',
  'echo "a" | grep -v b; exit 1', 'if [ -z "$X" ]; then', 'fi', '(a) <b> [c] {d} !e *f &g ~h', 'a\rb', '\r', 'x'.repeat(300),
  'word '.repeat(60).trim(), '1.5', 'true', 'on', '~', '0x1F', '\u00a0nbsp', '\\escaped\\n', '@at', '`tick`',
];

/**
 * Deterministic multi-line strings: lines of the pieces above, joined by one to three line breaks,
 * with or without leading breaks and with zero to three trailing ones (sometimes blanks after them).
 */
export function generatedMultiLineStrings(count: number, seed = 5): string[] {
  const next = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const breaks = () => '\n'.repeat(next() < 0.7 ? 1 : 2 + Math.floor(next() * 2));
  return Array.from({ length: count }, () => {
    const lines = Array.from({ length: 1 + Math.floor(next() * 5) }, () => (next() < 0.3 ? pick(LINE_PIECES) + pick(LINE_PIECES) : pick(LINE_PIECES)));
    let text = lines.reduce((acc, line, i) => (i === 0 ? line : acc + breaks() + line), '');
    if (next() < 0.15) text = breaks() + text;
    text += '\n'.repeat(pick([0, 1, 1, 1, 2, 3]));
    if (next() < 0.05) text += pick([' ', '\t', '  ']);
    // At least one line break, so that each is a multi-line string.
    return text.includes('\n') ? text : `${text}\n${pick(LINE_PIECES)}`;
  });
}
