import { spawnSync } from 'child_process';
import * as path from 'path';

/** Every npm script that takes arguments explains them with --help, and does nothing else. */
const ROOT = path.join(__dirname, '..');

test.each(['synth', 'diff', 'check', 'bench'])('npm run %s -- --help', (script) => {
  const r = spawnSync('npm', ['run', '--silent', script, '--', '--help'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${script} \\[-- \\[`));
  expect(r.stdout).toMatch(/^ {2}-h, --help {2,}this text$/m);
});

test.each(['synth', 'diff', 'check', 'bench'])('npm run %s -- --no-such-option fails with a pointer to --help', (script) => {
  const r = spawnSync('npm', ['run', '--silent', script, '--', '--no-such-option'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('unknown option --no-such-option (see --help)');
});
