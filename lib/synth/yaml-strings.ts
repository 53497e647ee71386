import { escapeNotYaml11Text, misreadAsBlock, NOT_YAML_1_1_TEXT, oneSpaceLine } from './yaml-compat';

/*
 * Scalars written exactly as the `yaml` library (2.9.1) writes them with the emitter's options
 * (yaml-emitter.ts YAML_OPTIONS: lineWidth 0, so nothing is ever folded; the compat tags of
 * yaml-compat.ts; every other option at its default: blockQuote true, singleQuote null,
 * doubleQuotedMinMultiLineLength 40, indent 2). Each function follows one function of
 * yaml@2.9.1 dist/stringify/stringifyString.js, named beside it; the emitter's tests compare the
 * result with the library's on every synthesized object and on generated and tricky documents.
 *
 * `indent` is the indentation of the scalar's node (the library's `ctx.indent`): for a map's key and
 * value, the map's indentation plus two spaces; for a sequence's item, the dash's plus two. The
 * emitter only writes maps at the top, so it is never empty: the library's cases for a scalar at
 * the top (`ctx.indent === ''`: two spaces beside a document marker, indicator 1) never apply; keys
 * of the top map, where `ctx.indent` is one step, have a case of their own (plainOrOther).
 */

/** The indentation step (the library's `indentStep`, from its default `indent: 2`). */
const INDENT_STEP = '  ';

/**
 * What the library's schema (core) and its `compat` schema (yaml-compat.ts: YAML 1.1 and go-yaml v2)
 * read as another type than a string: each default tag's `test` other than `str`'s, in the
 * schema's order (stringifyString.js plainString, `actualString`). A test derives the same list from
 * the library, so an upgrade that changes a tag fails there.
 */
export const TYPED_SCALAR_TESTS: readonly RegExp[] = [
  // core: null, bool, int (octal, decimal, hex), float (nan/inf, exponent, fraction).
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
  // yaml-1.1: null, bools, ints (binary, octal, decimal, hex), floats, merge key, sexagesimal, timestamp.
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^<<$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
  // go-yaml v2 (yaml-compat.ts GO_YAML_V2_TAGS): int, float, timestamp, value key.
  /^(?:[-+]_*)?(?:0_*(?:[xX]_*[0-9a-fA-F][0-9a-fA-F_]*|[bB]_*[01][01_]*|[oO]_*[0-7][0-7_]*)|[0-9][0-9_]*)$/,
  /^(?:[-+]_*)?(?:\._*[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE]_*(?:[-+]_*)?[0-9][0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/,
  /^=$/,
];

/** The tests joined into one expression (none has flags or back-references), so each string is matched once. */
const TYPED_SCALAR = new RegExp(TYPED_SCALAR_TESTS.map((re) => `(?:${re.source})`).join('|'));

/** stringifyString: characters that force double quotes (C0 controls but tab and newline, DEL, C1, lone surrogates). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** plainString: what a plain scalar may not hold (indicators first, `: `, ` #`, trailing space or colon...). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** containsDocumentMarker: a line starting like a document marker or directive. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/**
 * Escapes of the JSON `\uXXXX` forms the library writes shorter (doubleQuotedString). Its `\N`, `\_`,
 * `\L` and `\P` never apply: JSON.stringify escapes only C0 controls and lone surrogates.
 */
const SHORT_ESCAPES: Record<string, string> = { '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e' };
/** blockString: runs of newlines followed by more text (`blockEndNewlines`). */
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/**
 * doubleQuotedString: JSON's quoting, shorter escapes, and (outside keys) line breaks for `\n` in
 * long strings; on one line, as for keys, where a line of one space would read back as a backslash
 * (yaml-compat.ts yaml11SafeStrings).
 */
function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const oneLine = implicitKey || oneSpaceLine(value);
  const json = JSON.stringify(value);
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // A space before a line break is escaped so that it is not folded away.
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    if (json[i + 1] === 'u') {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += SHORT_ESCAPES[code] ?? (code.startsWith('00') ? `\\x${code.substr(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (json[i + 1] === 'n' && !(oneLine || json[i + 2] === '"' || json.length < 40)) {
      // The first line break is folded away when read: written twice, then one per further `\n`.
      str += `${json.slice(start, i)}\n\n`;
      while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
        str += '\n';
        i += 2;
      }
      str += indent;
      // A space after a line break is escaped so that it is not folded away.
      if (json[i + 2] === ' ') str += '\\';
      i += 1;
      start = i + 1;
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

/** singleQuotedString: quotes doubled, a line break written as two; double quotes where that cannot work. */
function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`)}'`;
}

/** quotedString: single quotes for text with double quotes only, else double quotes. */
function quoted(value: string, indent: string, implicitKey: boolean): string {
  return value.includes('"') && !value.includes("'") ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

/**
 * blockString, literal (`|`) since lineWidth 0 never folds: chomping from the trailing line breaks
 * (`-` none, clip one, `+` more or only breaks), an indentation indicator when the text starts with
 * a space, every line after a break indented. Text ending in a break and blanks is quoted instead.
 */
function blockLiteral(text: string, indent: string): string {
  if (/\n[\t ]+$/.test(text)) return quoted(text, indent, false);
  let value = text;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end.endsWith('\n')) end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  // The indentation indicator counts from the parent's indentation: always two spaces here.
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}

/** plainString: plain unless an indicator, a typed reading or a line break asks for quotes or a block. */
function plainOrOther(value: string, indent: string, implicitKey: boolean): string {
  const multiLine = value.includes('\n');
  if (implicitKey && multiLine) return quoted(value, indent, true);
  if (NOT_PLAIN.test(value)) return implicitKey || !multiLine ? quoted(value, indent, implicitKey) : blockLiteral(value, indent);
  // Multi-line text prefers a block where one is allowed.
  if (multiLine) return blockLiteral(value, indent);
  // A key of the top map (the only place where `ctx.indent` equals the step) beside a document marker.
  if (implicitKey && indent === INDENT_STEP && DOCUMENT_MARKER.test(value)) return quoted(value, indent, true);
  return TYPED_SCALAR.test(value) ? quoted(value, indent, implicitKey) : value;
}

/**
 * A string as the library writes it with the compat tags: yaml-compat.ts yaml11SafeStrings first
 * (characters YAML 1.1 cannot carry raw: double quotes with escapes; blocks that would not read
 * back: double quotes), then stringifyString (control characters: double quotes), then plainString.
 */
export function stringScalar(value: string, indent: string, implicitKey: boolean): string {
  if (NOT_YAML_1_1_TEXT.test(value)) {
    return escapeNotYaml11Text(doubleQuoted(value, indent, implicitKey));
  }
  return CONTROL.test(value) || misreadAsBlock(value) ? doubleQuoted(value, indent, implicitKey) : plainOrOther(value, indent, implicitKey);
}

/** stringifyNumber, which every number tag of the core schema uses for a plain JS number: JSON's form, `-0`, `.nan`, `.inf`. */
export function numberScalar(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}
