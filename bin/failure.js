'use strict';
// How the synth runner reports a failure: one message, no stack. The position is the user's own
// file:line:col (through the source maps of bin/ts-register.js), a syntax error gets a code
// frame, and the project's errors are recognised by their class, not by their text.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const internal = [path.join(root, 'lib') + path.sep, path.join(root, 'bin') + path.sep, `${path.sep}node_modules${path.sep}`];

/** Frames of a V8 stack as { file, line, column }. */
function frames(stack) {
  const out = [];
  for (const line of String(stack || '').split('\n')) {
    const m = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (m && !m[1].startsWith('node:')) out.push({ file: m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

/** The frame in the user's code that led to the error: the first outside lib/, bin/ and node_modules/. */
function userFrame(err) {
  const all = frames(err && err.stack);
  return all.find((f) => path.isAbsolute(f.file) && !internal.some((dir) => f.file.includes(dir))) || all[0];
}

function where(file, line, column, cwd) {
  const rel = path.relative(cwd, file);
  return `${rel && !rel.startsWith('..') ? rel : file}:${line}:${column}`;
}

/** Three lines around `line`, with a caret under `column` (1-based). */
function codeFrame(file, line, column) {
  let lines;
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return '';
  }
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

/**
 * Where in the source the prop at `propPath` (`ingress.tlsSecret`, `env["A"]`) is written, looking
 * from the construct's call at `frame` onwards: the deepest key of the path found within the next
 * few thousand characters. Props built elsewhere (a spread, a variable) keep the call's position.
 */
function propPosition(frame, propPath) {
  let text;
  try {
    text = fs.readFileSync(frame.file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  let offset = lines.slice(0, frame.line - 1).reduce((n, l) => n + l.length + 1, 0) + frame.column - 1;
  const limit = offset + 4000;
  let best;
  for (const segment of propPath.split(/\.|\[[^\]]*\]/).filter(Boolean)) {
    const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[\\s{,])(["']?)${escaped}\\2\\s*:`, 'g');
    re.lastIndex = offset;
    const m = re.exec(text);
    if (!m || m.index > limit) break;
    offset = m.index + m[1].length;
    best = offset;
  }
  if (best === undefined) return undefined;
  const before = text.slice(0, best).split('\n');
  return { file: frame.file, line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * The message for a failed synth. `known` are the project's error classes (PropError, ConfigError,
 * ValidationError): their messages name the construct, the prop and the fix, so they stand alone.
 */
function formatFailure(err, { cwd = process.cwd(), known = [], syntaxError, showStack = false, prefix = 'synth failed, dist/ left unchanged' } = {}) {
  if (syntaxError && err instanceof syntaxError) {
    return `${prefix}: ${where(err.file, err.line, err.column, cwd)}: syntax error: ${err.message}\n${codeFrame(err.file, err.line, err.column)}`;
  }
  const call = userFrame(err);
  // A prop at fault is shown where it is written, when it is written at the call.
  const props = err && Array.isArray(err.props) ? err.props.filter((p) => p !== 'props') : [];
  const frame = (call && props.length && propPosition(call, props[0])) || call;
  const at = frame ? `${where(frame.file, frame.line, frame.column, cwd)}: ` : '';
  if (known.some((type) => err instanceof type)) {
    return `${prefix}: ${at}${err.message}`;
  }
  // Anything else is a bug in the code that ran (a TypeError in main.ts, ...): its type and position.
  const name = err && err.name ? err.name : 'Error';
  const message = err && err.message !== undefined ? err.message : String(err);
  const frameText = frame ? `\n${codeFrame(frame.file, frame.line, frame.column)}` : '';
  const hint = showStack ? `\n${err && err.stack}` : '\n(run `npm run synth -- --stack` for the whole stack)';
  return `${prefix}: ${at}${name}: ${message}${frameText}${hint}`;
}

module.exports = { formatFailure, codeFrame, userFrame };
