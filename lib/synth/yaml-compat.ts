import type * as YAML from 'yaml';

/*
 * What YAML 1.1 readers make of a string, so that the manifests read the same everywhere.
 *
 * dist/ is written as YAML 1.2 (the library's core schema), but kubectl and Argo CD read it through
 * sigs.k8s.io/yaml, that is go-yaml v2 with YAML 1.1 rules, and kustomize re-serializes it. A plain
 * `on` is a string in 1.2 and `true` there. The library's `compat` option quotes every string that
 * a second schema would read as another type; that schema is the library's own YAML 1.1 one plus
 * what go-yaml v2 resolves beyond it (gopkg.in/yaml.v2 resolve.go, `resolve()`):
 *
 * - it strips every `_` before `strconv.ParseInt(plain, 0, 64)`, and Go's base prefixes take either
 *   case and include `0o`: `0X1F`, `0O17`, `0B101`, `+_1`, `0_x1F` are numbers there;
 * - it strips them before matching `yamlStyleFloat` too: `1e_3`, `1e3_0`;
 * - `parseTimestamp` uses Go's `time.Parse`, which also takes a comma before fractional seconds.
 *
 * YAML 1.1 readers also take NEL, LS and PS as line breaks and refuse DEL, C1 controls, U+FFFE and
 * U+FFFF anywhere in the stream (yaml_parser_update_buffer in readerc.go), while the library writes
 * them raw, even inside double quotes: strings holding them are written double-quoted with escapes.
 *
 * Where the library's own output does not read back as written (yaml@2.9.1
 * dist/stringify/stringifyString.js), the string is written another way the library knows:
 *
 * - multi-line text whose first line starts with a tab becomes a block (`|`, then an indented tab);
 *   go-yaml (v2 for kubectl and Argo CD, v3 for kustomize) refuses a tab where a block scalar's
 *   indentation is still being detected (scannerc.go yaml_parser_scan_block_scalar_breaks: "found a
 *   tab character where an indentation space is expected"): double quotes, as libyaml writes it;
 * - multi-line text of blanks only (`"  \n"`) becomes a block of more-indented empty lines, read
 *   back as bare line breaks by go-yaml and by the library itself (blockString): double quotes;
 * - in double quotes long enough to be written over several lines, a line of exactly one space
 *   gets both of doubleQuotedString's escapes (after a break, before a break) and reads back as a
 *   backslash: such text is written on one line, with `\n` escapes, as the library writes keys.
 *
 * The library itself is loaded only when these options are read (yaml-emitter.ts writes most
 * documents without it).
 */

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const STR = 'tag:yaml.org,2002:str';

/** A tag used only to decide quoting: it never claims a JS value. */
function quotingTag(tag: string, format: string, test: RegExp): YAML.ScalarTag {
  return { tag, format, test, default: true, identify: () => false, resolve: (s: string) => s };
}

/** go-yaml v2 resolve.go beyond the library's YAML 1.1 tags; every `_` after the first character is ignored there. */
export const GO_YAML_V2_TAGS: YAML.ScalarTag[] = [
  // strconv.ParseInt(plain, 0, 64): 0x, 0X, 0b, 0B, 0o, 0O, a leading 0 (octal) or decimal, signed.
  quotingTag(INT, 'GO', /^(?:[-+]_*)?(?:0_*(?:[xX]_*[0-9a-fA-F][0-9a-fA-F_]*|[bB]_*[01][01_]*|[oO]_*[0-7][0-7_]*)|[0-9][0-9_]*)$/),
  // yamlStyleFloat `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` on the stripped text.
  quotingTag(FLOAT, 'GO', /^(?:[-+]_*)?(?:\._*[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE]_*(?:[-+]_*)?[0-9][0-9_]*)?$/),
  // allowedTimestampFormats through time.Parse, which reads `,` as well as `.` before fractions.
  quotingTag(TIMESTAMP, 'GO', /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/),
  // The YAML 1.1 value key (yaml.org/type/value.html): `=` alone.
  quotingTag('tag:yaml.org,2002:value', 'YAML11', /^=$/),
];

let compatTags: YAML.Tags | undefined;

/** The schema whose readings every written string must survive: YAML 1.1 as the library and go-yaml v2 read it. */
export function yaml11CompatTags(): YAML.Tags {
  const lib: typeof YAML = require('yaml');
  return (compatTags ??= [...new lib.Schema({ schema: 'yaml-1.1' }).tags, ...GO_YAML_V2_TAGS]);
}

/** Characters YAML 1.1 readers take as line breaks (NEL, LS, PS) or refuse (DEL, C1 controls, U+FFFE, U+FFFF). */
export const NOT_YAML_1_1_TEXT = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/;
const NOT_YAML_1_1_TEXT_ALL = new RegExp(NOT_YAML_1_1_TEXT.source, 'g');
const ESCAPES: Record<string, string> = { '\x85': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`);
}

/** Multi-line text the library would write as a block that does not read back: first line starting with a tab, or blanks only. */
export function misreadAsBlock(value: string): boolean {
  return value.includes('\n') && (/^\n*\t/.test(value) || /^[\n\t ]*[\t ][\n\t ]*$/.test(value));
}

/** Text with a line of exactly one space, which the library's folded double quotes write as an escaped backslash. */
export function oneSpaceLine(value: string): boolean {
  return value.includes('\n \n');
}

/** A double-quoted scalar with each character YAML 1.1 cannot carry raw written as an escape (inside double quotes they are content, never part of an escape). */
export function escapeNotYaml11Text(doubleQuoted: string): string {
  return doubleQuoted.replace(NOT_YAML_1_1_TEXT_ALL, escape);
}

/**
 * The library's string tag, except that strings with characters YAML 1.1 cannot carry raw are
 * double-quoted with escapes, and text it would write so that it reads back otherwise is written
 * in double quotes (see above).
 */
function yaml11SafeStrings(tags: YAML.Tags): YAML.Tags {
  return tags.map((tag) => {
    if (typeof tag === 'string' || tag.tag !== STR || !tag.stringify) return tag;
    const base = tag as YAML.ScalarTag & { stringify: NonNullable<YAML.ScalarTag['stringify']> };
    return {
      ...base,
      stringify(item, ctx, onComment, onChompKeep) {
        const { value } = item;
        if (typeof value !== 'string') return base.stringify(item, ctx, onComment, onChompKeep);
        const quoted = (c = ctx) => base.stringify({ ...item, type: 'QUOTE_DOUBLE' } as YAML.Scalar, c, onComment, onChompKeep);
        const escaped = NOT_YAML_1_1_TEXT.test(value);
        let out = escaped || misreadAsBlock(value) ? quoted() : base.stringify(item, ctx, onComment, onChompKeep);
        // On one line, as keys are: the library never folds a key's double quotes.
        if (out.startsWith('"') && oneSpaceLine(value)) out = quoted({ ...ctx, implicitKey: true });
        return escaped ? escapeNotYaml11Text(out) : out;
      },
    } as YAML.ScalarTag;
  });
}

/** Library options that make YAML 1.2 output read the same through YAML 1.1 readers; `compat` loads the library when read. */
export const YAML_1_1_SAFE = {
  get compat(): YAML.Tags {
    return yaml11CompatTags();
  },
  customTags: yaml11SafeStrings,
};
