import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** The CI definitions a team drops into its forge: drift gate and tests, and `npm run diff` on reviews. */
const ROOT = path.join(__dirname, '..');
const read = (file: string) => YAML.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

/** Runs shellcheck on a script (GitHub expressions replaced by a variable). */
function shellcheck(script: string): string {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: `#!/usr/bin/env bash\n${script.replace(/\$\{\{[^}]*\}\}/g, '$EXPR')}\n`, encoding: 'utf8' });
  return r.stdout;
}

describe('.github/workflows/ci.yml', () => {
  const wf = read('.github/workflows/ci.yml');
  const runs = (job: string) => wf.jobs[job].steps.filter((s: any) => s.run).map((s: any) => s.run as string);

  test('runs on pushes to main and on pull requests; the test job runs .ci/run (drift gate, then tests)', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(runs('test')).toContain('.ci/run');
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci.indexOf('npm run check')).toBeGreaterThan(0);
    expect(ci.indexOf('npm run check')).toBeLessThan(ci.indexOf('npm test'));
    expect(wf.env.CDK8S_CHECK_UPGRADE).toBe('false');
  });

  test('pull requests get npm run diff against the target branch as a comment', () => {
    expect(wf.jobs.diff.if).toBe("github.event_name == 'pull_request'");
    expect(wf.jobs.diff.permissions['pull-requests']).toBe('write');
    expect(wf.jobs.diff.steps[0].with['fetch-depth']).toBe(0);
    const script = runs('diff').join('\n');
    expect(script).toContain('npm run --silent diff -- --base "origin/${{ github.base_ref }}" > diff.md');
    expect(script).toContain('gh pr comment "${{ github.event.pull_request.number }}" --body-file diff.md');
  });

  (hasShellcheck ? test : test.skip)('every run script passes shellcheck', () => {
    for (const job of Object.keys(wf.jobs)) for (const script of runs(job)) expect(shellcheck(script)).toBe('');
  });
});

describe('.gitlab-ci.yml', () => {
  const ci = read('.gitlab-ci.yml');

  test('the test job runs .ci/run on merge requests and the default branch', () => {
    expect(ci.test.script).toEqual(['.ci/run']);
    expect(ci.workflow.rules.map((r: any) => r.if)).toEqual(['$CI_PIPELINE_SOURCE == "merge_request_event"', '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
    expect(ci.variables.CDK8S_CHECK_UPGRADE).toBe('false');
  });

  test('merge requests get npm run diff against the target branch as a note', () => {
    expect(ci.diff.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    const script = ci.diff.script.join('\n');
    expect(script).toContain('npm run --silent diff -- --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" > diff.md');
    expect(script).toContain('/merge_requests/$CI_MERGE_REQUEST_IID/notes');
    expect(ci.diff.artifacts.paths).toEqual(['diff.md']);
  });

  (hasShellcheck ? test : test.skip)('the scripts pass shellcheck', () => {
    for (const job of ['test', 'diff']) expect(shellcheck(ci[job].script.join('\n'))).toBe('');
  });
});
