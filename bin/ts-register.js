'use strict';
// A require hook for .ts files: esbuild transpiles each file once, and the result is cached by
// content hash under node_modules/.cache so that later runs skip even that. Each source file keeps
// one entry: writing a new version removes the older ones.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const cacheDir = path.join(__dirname, '..', 'node_modules', '.cache', 'ts-register');

/** A TypeScript file that does not parse: where, and esbuild's own words. */
class SourceSyntaxError extends Error {
  constructor(file, line, column, text) {
    super(text);
    this.name = 'SourceSyntaxError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

function register() {
  // Stack traces through the inline source maps below: errors point at the .ts line, not the output's.
  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
  let esbuild;
  require.extensions['.ts'] = function compile(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const file = crypto.createHash('sha1').update(filename).digest('hex').slice(0, 16);
    const version = crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex');
    const cached = path.join(cacheDir, `${file}-${version}.js`);
    let code;
    try {
      code = fs.readFileSync(cached, 'utf8');
    } catch {
      esbuild = esbuild || require('esbuild');
      try {
        code = esbuild.transformSync(source, {
          loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename,
          // Generated imports are megabytes; maps only for the code people debug.
          sourcemap: filename.includes(`${path.sep}imports${path.sep}`) ? false : 'inline',
        }).code;
      } catch (err) {
        const first = err && err.errors && err.errors[0];
        if (!first || !first.location) throw err;
        // esbuild columns count from 0; editors and the rest of this runner from 1.
        throw new SourceSyntaxError(filename, first.location.line, first.location.column + 1, first.text);
      }
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(`${cached}.${process.pid}`, code);
        fs.renameSync(`${cached}.${process.pid}`, cached);
        for (const entry of fs.readdirSync(cacheDir)) {
          if (entry.startsWith(`${file}-`) && entry.endsWith('.js') && path.join(cacheDir, entry) !== cached) fs.rmSync(path.join(cacheDir, entry), { force: true });
        }
      } catch { /* a read-only tree still synthesizes, just without the cache */ }
    }
    module._compile(code, filename);
  };
}

module.exports = { register, SourceSyntaxError };
