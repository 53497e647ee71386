import { lintWorkflowTemplates, MAX_TEMPLATES } from '../lib/validate/workflow-lint';

/** Step images pinned by digest (the lint refuses tag-only images; that rule has its own test). */
const PINNED = 'busybox:1.36.1@sha256:' + 'b'.repeat(64);
const PINNED_DIND = 'docker:27.4.1-dind@sha256:' + 'd'.repeat(64);

/** A minimal valid WorkflowTemplate for the lint rules, changed by each test. */
function wft(name: string, spec: any): any {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace: 'argo' }, spec };
}

const hello = (name: string, extra: any = {}) => ({
  name,
  container: { image: PINNED, command: ['echo', 'hi'] },
  ...extra,
});

function lint(...docs: any[]): Array<[string, string, string]> {
  return lintWorkflowTemplates(docs).map((p) => [p.object, p.path, p.message]);
}

describe('lintWorkflowTemplates', () => {
  test('a valid workflow has no problem, and other kinds are ignored', () => {
    const doc = wft('ok', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'who', value: 'world' }] },
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'a', template: 'say', arguments: { parameters: [{ name: 'msg', value: '{{workflow.parameters.who}}' }] } }],
            [{ name: 'b', template: 'say', arguments: { parameters: [{ name: 'msg', value: '{{steps.a.outputs.parameters.out}} {{steps.a.outputs.result}}' }] } }],
            [{ name: 'c', template: 'say', withItems: ['x'], arguments: { parameters: [{ name: 'msg', value: '{{item}}' }] } }],
          ],
        },
        {
          name: 'say',
          inputs: { parameters: [{ name: 'msg' }, { name: 'optional', default: '' }] },
          outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] },
          script: { image: PINNED, command: ['sh'], env: [{ name: 'MSG', value: '{{inputs.parameters.msg}}' }], source: 'echo "$MSG" | tee /tmp/out' },
        },
      ],
    });
    expect(lint(doc, { kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
  });

  test('entrypoint must be a template', () => {
    // GIVEN an entrypoint that names no template
    const doc = wft('w', { entrypoint: 'mian', templates: [hello('main')] });
    // THEN
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.entrypoint', 'entrypoint "mian" is not a template of this WorkflowTemplate: use one of "main"']]);
  });

  test('template names are unique', () => {
    const doc = wft('w', { entrypoint: 'main', templates: [hello('main'), hello('main')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[1].name', 'template name "main" is already used by spec.templates[0]: template names must be unique']]);
  });

  test('a step names an existing template', () => {
    const doc = wft('w', { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'one', template: 'hello' }]] }, hello('say')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0].template',
      'template "main", step "one": calls template "hello", which does not exist in WorkflowTemplate w: use one of "main", "say", or a templateRef to another WorkflowTemplate']]);
  });

  test('a step names exactly one of template, templateRef or inline', () => {
    const doc = wft('w', { templates: [{ name: 'main', steps: [[{ name: 'one', template: 'say', templateRef: { name: 'w', template: 'say' } }]] }, hello('say')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0]',
      'template "main", step "one": names template and templateRef; set exactly one of template, templateRef or inline']]);
  });

  test('a templateRef names an existing WorkflowTemplate and template, or a declared external one', () => {
    // GIVEN references to a missing WorkflowTemplate and to a missing template of an existing one
    const caller = wft('caller', {
      entrypoint: 'main',
      templates: [{
        name: 'main',
        steps: [
          [{ name: 'deploy-app', templateRef: { name: 'deploy', template: 'deploy-java-app' } }],
          [{ name: 'other', templateRef: { name: 'lib', template: 'nope' } }],
          [{ name: 'outside', templateRef: { name: 'installed', template: 'notify' } }],
        ],
      }],
    });
    const lib = wft('lib', { templates: [hello('yes')] });
    // WHEN linted with one external template declared
    const problems = lintWorkflowTemplates([caller, lib], { external: [{ name: 'installed', template: 'notify' }] });
    // THEN
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['spec.templates[0].steps[0][0].templateRef',
        'template "main", step "deploy-app": refers to WorkflowTemplate "deploy", which does not exist among the synthesized WorkflowTemplates ("caller", "lib"): fix templateRef.name or declare {name: "deploy", template: "deploy-java-app"} as external'],
      ['spec.templates[0].steps[1][0].templateRef',
        'template "main", step "other": WorkflowTemplate "lib" has no template "nope": use one of "yes"'],
    ]);
    expect(problems[0].object).toBe('WorkflowTemplate caller');
  });

  test('{{inputs.parameters.x}} must be an input of that template', () => {
    const doc = wft('w', { templates: [{ name: 'say', inputs: { parameters: [{ name: 'msg' }] }, container: { image: PINNED, env: [{ name: 'V0', value: '{{inputs.parameters.message}}' }] } }] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].container.env[0].value',
      'template "say": {{inputs.parameters.message}} refers to input parameter "message", which template "say" does not declare (inputs: "msg"): add it to inputs.parameters or fix the name']]);
  });

  test('{{workflow.parameters.x}} must be a workflow argument, also inside expressions', () => {
    const doc = wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'app_name' }] },
      templates: [hello('main', { container: { image: PINNED, env: [{ name: 'V0', value: '{{workflow.parameters.app}}' }, { name: 'V1', value: "{{=workflow.parameters['app-name']}}" }] } })],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].container.env[0].value',
        'template "main": {{workflow.parameters.app}} refers to workflow parameter "app", which is not in spec.arguments.parameters ("app_name"): add it there or fix the name'],
      ['WorkflowTemplate w', 'spec.templates[0].container.env[1].value',
        'template "main": {{=workflow.parameters[\'app-name\']}} refers to workflow parameter "app-name", which is not in spec.arguments.parameters ("app_name"): add it there or fix the name'],
    ]);
  });

  test('{{steps.s.outputs...}} must name an earlier step and a declared output', () => {
    const say = { name: 'say', inputs: { parameters: [{ name: 'msg' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] }, container: { image: PINNED } };
    const msg = (value: string) => ({ parameters: [{ name: 'msg', value }] });
    const doc = wft('w', {
      templates: [{
        name: 'main',
        steps: [
          [{ name: 'a', template: 'say', arguments: msg('x') }, { name: 'b', template: 'say', arguments: msg('{{steps.a.outputs.parameters.out}}') }],
          [{ name: 'c', template: 'say', arguments: msg('{{steps.a.outputs.parameters.digest}}') }],
          [{ name: 'd', template: 'say', arguments: msg('{{steps.build.outputs.result}}') }],
        ],
      }, say],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].steps[0][1].arguments.parameters[0].value',
        'template "main", step "b": {{steps.a.outputs.parameters.out}} refers to step "a", which has not run yet at this point: only steps of earlier groups can be referenced (a step of the same group runs in parallel): move it to a later group'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[1][0].arguments.parameters[0].value',
        'template "main", step "c": {{steps.a.outputs.parameters.digest}} refers to output parameter "digest" of step "a", but template "say" does not declare it (outputs: "out"): add it to its outputs.parameters or fix the name'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[2][0].arguments.parameters[0].value',
        'template "main", step "d": {{steps.build.outputs.result}} refers to step "build", which does not exist in template "main": use one of "a", "b", "c", "d"'],
    ]);
  });

  test('{{steps...}} outside a steps template is a problem', () => {
    const doc = wft('w', { templates: [hello('main', { container: { image: PINNED, env: [{ name: 'V0', value: '{{steps.a.outputs.result}}' }] } })] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].container.env[0].value',
      'template "main": {{steps.a.outputs.result}} refers to a step, but template "main" is not a steps template']]);
  });

  test('{{tasks.t.outputs...}} must name a task the task depends on, and dependencies must exist', () => {
    const say = { name: 'say', inputs: { parameters: [{ name: 'msg' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] }, container: { image: PINNED } };
    const msg = (value: string) => ({ parameters: [{ name: 'msg', value }] });
    const doc = wft('w', {
      templates: [{
        name: 'main',
        dag: {
          tasks: [
            { name: 'a', template: 'say', arguments: msg('x') },
            { name: 'b', template: 'say', arguments: msg('{{tasks.a.outputs.parameters.out}}') },
            { name: 'c', template: 'say', depends: 'a && (zz.Succeeded)', arguments: msg('{{tasks.a.outputs.parameters.out}}') },
          ],
        },
      }, say],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].dag.tasks[2].depends',
        'template "main", task "c": depends on task "zz", which does not exist: use one of "a", "b", "c"'],
      ['WorkflowTemplate w', 'spec.templates[0].dag.tasks[1].arguments.parameters[0].value',
        'template "main", task "b": {{tasks.a.outputs.parameters.out}} refers to task "a", which has not run yet at this point: a task can only reference tasks it depends on: add it to the dependencies (or depends) of "b"'],
    ]);
  });

  test('arguments match the inputs of the called template', () => {
    // GIVEN a call with an unknown argument and without a required one, across a templateRef
    const caller = wft('serve-java-app', {
      templates: [{
        name: 'main',
        steps: [[{
          name: 'deploy-app',
          templateRef: { name: 'deploy-app', template: 'deploy-java-app' },
          arguments: { parameters: [{ name: 'app_name', value: 'orders' }, { name: 'app_type', value: 'springboot' }] },
        }]],
      }],
    });
    const callee = wft('deploy-app', {
      templates: [hello('deploy-java-app', { inputs: { parameters: [{ name: 'app_name' }, { name: 'image' }, { name: 'namespace', default: '' }] } })],
    });
    // THEN
    expect(lint(caller, callee)).toEqual([
      ['WorkflowTemplate serve-java-app', 'spec.templates[0].steps[0][0].arguments.parameters[1].name',
        'template "main", step "deploy-app": passes "app_type", but template "deploy-java-app" of WorkflowTemplate "deploy-app" has no input parameter "app_type" (inputs: "app_name", "image", "namespace"): remove the argument or fix its name'],
      ['WorkflowTemplate serve-java-app', 'spec.templates[0].steps[0][0].arguments',
        'template "main", step "deploy-app": template "deploy-java-app" of WorkflowTemplate "deploy-app" requires the input parameter "image", which is not passed: add it to arguments.parameters'],
    ]);
  });

  test('a template has exactly one type', () => {
    const doc = wft('w', {
      templates: [
        { name: 'none', inputs: {} },
        { name: 'two', container: { image: PINNED }, script: { image: PINNED, source: 'true' } },
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0]',
        'template "none" has no template type: set exactly one of container, containerSet, script, steps, dag, resource, suspend, data, http, plugin'],
      ['WorkflowTemplate w', 'spec.templates[1]', 'template "two" has 2 template types (container, script): keep exactly one'],
    ]);
  });

  test(`at most ${MAX_TEMPLATES} templates`, () => {
    const doc = wft('big', { templates: Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => hello(`t${i}`)) });
    expect(lint(doc)).toEqual([['WorkflowTemplate big', 'spec.templates',
      `has ${MAX_TEMPLATES + 1} templates; Argo allows at most ${MAX_TEMPLATES}: split it into several WorkflowTemplates joined by templateRef`]]);
  });

  test('no privileged container and no privilege escalation', () => {
    const doc = wft('w', {
      templates: [
        { name: 'dind', container: { image: PINNED_DIND, securityContext: { privileged: true } } },
        { name: 'sudo', script: { image: PINNED, source: 'true', securityContext: { allowPrivilegeEscalation: true } } },
        hello('side', { sidecars: [{ name: 'docker', image: PINNED_DIND, securityContext: { privileged: true } }] }),
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].container.securityContext.privileged',
        'template "dind" is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)'],
      ['WorkflowTemplate w', 'spec.templates[1].script.securityContext.allowPrivilegeEscalation',
        'template "sudo" allows privilege escalation: set allowPrivilegeEscalation to false or remove it'],
      ['WorkflowTemplate w', 'spec.templates[2].sidecars[0].securityContext.privileged',
        'template "side" container "docker" is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)'],
    ]);
  });

  test('parameter values are strings', () => {
    const doc = wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'replicas', value: 3 }, { name: 'debug', value: 'yes', enum: ['true', false] }] },
      templates: [
        { name: 'main', steps: [[{ name: 'one', template: 'say', arguments: { parameters: [{ name: 'wait', value: true }] } }]] },
        hello('say', { inputs: { parameters: [{ name: 'wait', default: 10 }] } }),
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.arguments.parameters[0].value',
        'workflow parameter "replicas" has the number 3 as value: parameter values are strings, quote it ("3")'],
      ['WorkflowTemplate w', 'spec.arguments.parameters[1].enum[1]', 'workflow parameter "debug" has the non-string enum entry false: quote it'],
      ['WorkflowTemplate w', 'spec.arguments.parameters[1].value', 'workflow parameter "debug" has the value "yes", which is not one of its enum "true", "false"'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[0][0].arguments.parameters[0].value',
        'template "main", step "one": argument "wait" has the boolean true as value: parameter values are strings, quote it ("true")'],
      ['WorkflowTemplate w', 'spec.templates[1].inputs.parameters[0].default',
        'template "say": input parameter "wait" has the number 10 as default: parameter values are strings, quote it ("10")'],
    ]);
  });

  test('{{item}} only in a loop', () => {
    const doc = wft('w', { templates: [{ name: 'main', steps: [[{ name: 'one', template: 'say', arguments: { parameters: [{ name: 'm', value: '{{item}}' }] } }]] }, hello('say', { inputs: { parameters: [{ name: 'm' }] } })] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0].arguments.parameters[0].value',
      'template "main", step "one": {{item}} is only defined in a step or task with withItems, withParam or withSequence']]);
  });
});

describe('lint rules, one refused and one accepted case each', () => {
  const W = 'WorkflowTemplate w';
  const say = hello('say', { inputs: { parameters: [{ name: 'msg' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] } });
  const steps = (...groups: any[][]) => wft('w', { templates: [{ name: 'main', steps: groups }, say, hello('plain'), { name: 'wait', suspend: {} }] });
  const dag = (...tasks: any[]) => wft('w', { templates: [{ name: 'main', dag: { tasks } }, say, hello('plain')] });
  const arg = (value: string) => ({ arguments: { parameters: [{ name: 'msg', value }] } });
  const step = (name: string, extra: any = {}) => ({ name, template: 'say', ...arg('x'), ...extra });

  test.each<[string, any, Array<[string, string]>]>([
    ['no templates', wft('w', { templates: [] }), [['spec.templates', 'has no templates: add at least the entrypoint template']]],
    ['no spec at all', wft('w', undefined), [['spec.templates', 'has no templates: add at least the entrypoint template']]],
    [`exactly ${MAX_TEMPLATES} templates`, wft('w', { templates: Array.from({ length: MAX_TEMPLATES }, (_, i) => hello(`t${i}`)) }), []],
    ['a template without a name', wft('w', { templates: [hello('main'), { container: { image: PINNED } }, hello('')] }), [
      ['spec.templates[1].name', 'template has no name: give it a unique name'],
      ['spec.templates[2].name', 'template has no name: give it a unique name'],
    ]],
    ['a template that is not an object', wft('w', { templates: [hello('main'), 'main'] }), [['spec.templates[1].name', 'template has no name: give it a unique name']]],
    ['onExit that is no template', wft('w', { onExit: 'cleanup', templates: [hello('main')] }),
      [['spec.onExit', 'onExit "cleanup" is not a template of this WorkflowTemplate: use one of "main"']]],
    ['onExit that is a template', wft('w', { entrypoint: 'main', onExit: 'main', templates: [hello('main')] }), []],
    ['an entrypoint that is not a string', wft('w', { entrypoint: 5, templates: [hello('main')] }),
      [['spec.entrypoint', 'entrypoint "5" is not a template of this WorkflowTemplate: use one of "main"']]],
    ['a workflow parameter declared twice', wft('w', { arguments: { parameters: [{ name: 'a', value: '1' }, { name: 'b', value: '1' }, { name: 'a', value: '2' }] }, templates: [hello('main')] }),
      [['spec.arguments.parameters[2].name', 'workflow parameter "a" is declared twice']]],
    ['a workflow parameter without a name', wft('w', { arguments: { parameters: [{ value: 'x' }, { name: '', value: 'y' }, 'z'] }, templates: [hello('main')] }), [
      ['spec.arguments.parameters[0].name', 'workflow parameter has no name'],
      ['spec.arguments.parameters[1].name', 'workflow parameter has no name'],
      ['spec.arguments.parameters[2].name', 'workflow parameter has no name'],
    ]],
    ['a value in its enum, and a templated value', wft('w', { arguments: { parameters: [{ name: 'a', value: 'x', enum: ['x', 'y'] }, { name: 'b', value: '{{workflow.name}}', enum: ['x'] }] }, templates: [hello('main')] }), []],
    ['steps that are not a list', wft('w', { templates: [{ name: 'main', steps: { a: 1 } }] }), [['spec.templates[0].steps', 'template "main": steps must be a list of step groups (a list of lists)']]],
    ['a step group that is not a list', steps(step('a') as any), [['spec.templates[0].steps[0]', 'template "main": step group 0 must be a list of steps']]],
    ['a step that is not an object', steps(['a']), [['spec.templates[0].steps[0][0]', 'template "main": a step must be an object with a name and a template']]],
    ['a step without a name', steps([{ template: 'plain' }], [{ name: '', template: 'plain' }]), [
      ['spec.templates[0].steps[0][0].name', 'template "main": step has no name: give it a unique name'],
      ['spec.templates[0].steps[1][0].name', 'template "main": step has no name: give it a unique name'],
    ]],
    ['a step without a target', steps([{ name: 'a' }]), [['spec.templates[0].steps[0][0]', 'template "main", step "a": names no template; set exactly one of template, templateRef or inline']]],
    ['two steps of one name', steps([step('a')], [step('b'), step('a')]),
      [['spec.templates[0].steps[1][1].name', 'template "main": step name "a" is already used at spec.templates[0].steps[0][0]: step names must be unique within a template']]],
    ['a DAG without tasks', wft('w', { templates: [{ name: 'main', dag: { tasks: [] } }] }), [['spec.templates[0].dag.tasks', 'template "main": the DAG has no tasks']]],
    ['a DAG with tasks not in a list', wft('w', { templates: [{ name: 'main', dag: {} }] }), [['spec.templates[0].dag.tasks', 'template "main": the DAG has no tasks']]],
    ['a task that is not an object', dag(7), [['spec.templates[0].dag.tasks[0]', 'template "main": a task must be an object with a name and a template']]],
    ['two tasks of one name', dag(step('a'), step('a')),
      [['spec.templates[0].dag.tasks[1].name', 'template "main": task name "a" is already used at spec.templates[0].dag.tasks[0]: task names must be unique within a DAG']]],
    ['a dependency cycle', dag(step('a', { dependencies: ['c'] }), step('b', { depends: 'a.Succeeded' }), step('c', { depends: '(b.Succeeded || b.Skipped) && !a.Failed' })), [
      ['spec.templates[0].dag.tasks[0].name', 'template "main", task "a": its dependencies form a cycle through itself: remove one of them'],
      ['spec.templates[0].dag.tasks[1].name', 'template "main", task "b": its dependencies form a cycle through itself: remove one of them'],
      ['spec.templates[0].dag.tasks[2].name', 'template "main", task "c": its dependencies form a cycle through itself: remove one of them'],
    ]],
    ['a chain and a diamond are no cycle', dag(step('a'), step('b', { dependencies: ['a'] }), step('c', { depends: 'a' }), step('d', { depends: 'b && c', ...arg('{{tasks.a.outputs.result}}') })), []],
    ['a templateRef without its template', steps([{ name: 'a', templateRef: { name: 'w' } }], [{ name: 'b', templateRef: { name: '', template: 'say' } }]), [
      ['spec.templates[0].steps[0][0].templateRef', 'template "main", step "a": templateRef needs both name (the WorkflowTemplate) and template (the template in it)'],
      ['spec.templates[0].steps[1][0].templateRef', 'template "main", step "b": templateRef needs both name (the WorkflowTemplate) and template (the template in it)'],
    ]],
    ['a templateRef to a ClusterWorkflowTemplate', steps([{ name: 'a', templateRef: { name: 'c', template: 't', clusterScope: true } }]),
      [['spec.templates[0].steps[0][0].templateRef', 'template "main", step "a": refers to ClusterWorkflowTemplate "c", which is not among the linted documents: declare {name: "c", template: "t"} as external']]],
    ['a templateRef to its own WorkflowTemplate', steps([{ name: 'a', templateRef: { name: 'w', template: 'say' }, ...arg('x') }]), []],
    ['an argument without a value', steps([{ name: 'a', template: 'say', arguments: { parameters: [{ name: 'msg' }] } }]), [
      ['spec.templates[0].steps[0][0].arguments.parameters[0]', 'template "main", step "a": argument "msg" has no value: set value (a string)'],
    ]],
    ['an argument from valueFrom', steps([{ name: 'a', template: 'say', arguments: { parameters: [{ name: 'msg', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }] } }]), []],
    ['an inline template and its arguments', steps([{ name: 'a', inline: { inputs: { parameters: [{ name: 'x' }] }, container: { image: PINNED } }, arguments: { parameters: [{ name: 'x', value: '1' }, { name: 'y', value: '2' }] } }]), [
      ['spec.templates[0].steps[0][0].arguments.parameters[1].name', 'template "main", step "a": passes "y", but its inline template has no input parameter "y" (inputs: "x"): remove the argument or fix its name'],
    ]],
    ['an undeclared input artifact', wft('w', { templates: [hello('main', { container: { image: PINNED, env: [{ name: 'V0', value: '{{inputs.artifacts.src}}' }] } })] }), [
      ['spec.templates[0].container.env[0].value', 'template "main": {{inputs.artifacts.src}} refers to input artifact "src", which template "main" does not declare: add it to inputs.artifacts or fix the name'],
    ]],
    ['a declared input artifact', wft('w', { templates: [hello('main', { inputs: { artifacts: [{ name: 'src', path: '/src' }] }, container: { image: PINNED, env: [{ name: 'V0', value: '{{inputs.artifacts.src}}' }] } })] }), []],
    ['a field that a step does not have', steps([step('a')], [step('b', arg('{{steps.a.foo}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.foo}}: "foo" is not a field of a step (use outputs.parameters.<name>, outputs.result, outputs.artifacts.<name>, status, exitCode, ...)'],
    ]],
    ['the fields a step has', steps([step('a')], [step('b', arg('{{steps.a.status}} {{steps.a.exitCode}} {{steps.a.id}} {{steps.a.startedAt}} {{steps.a.outputs.parameters.out}}'))]), []],
    ['an undeclared output artifact', steps([step('a')], [step('b', arg('{{steps.a.outputs.artifacts.bin}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.outputs.artifacts.bin}} refers to output artifact "bin" of step "a", but template "say" does not declare it (outputs: (none)): add it to its outputs.artifacts or fix the name'],
    ]],
    ['outputs.result of a template that has none', steps([{ name: 'a', template: 'wait' }], [step('b', arg('{{steps.a.outputs.result}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.outputs.result}}: template "wait" is a suspend template, which has no outputs.result: declare an output parameter instead'],
    ]],
    ['outputs.result of a container template', steps([{ name: 'a', template: 'plain' }], [step('b', arg('{{steps.a.outputs.result}}'))]), []],
    ['an expression that reads outputs by index', steps([step('a')], [step('b', arg("{{=steps['a'].outputs.parameters['out']}} {{= steps.a.outputs.parameters.gone }}"))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{= steps.a.outputs.parameters.gone}} refers to output parameter "gone" of step "a", but template "say" does not declare it (outputs: "out"): add it to its outputs.parameters or fix the name'],
    ]],
    ['an expression that reads a missing input', wft('w', { templates: [hello('main', { container: { image: PINNED, env: [{ name: 'V0', value: "{{=inputs.parameters['nope']}}" }] } })] }), [
      ['spec.templates[0].container.env[0].value', 'template "main": {{=inputs.parameters[\'nope\']}} refers to input parameter "nope", which template "main" does not declare (inputs: (none)): add it to inputs.parameters or fix the name'],
    ]],
    ['other tags are left alone', wft('w', { templates: [hello('main', { container: { image: PINNED, env: [{ name: 'V0', value: '{{workflow.name}} {{pod.name}} {{ }} {{items}} {{x.item}} {{x.inputs.parameters.nope}} {{x.inputs.artifacts.a}} {{x.steps.a}}' }] } })] }), []],
    ...['container', 'script', 'containerSet', 'data', 'http', 'plugin'].map((type): [string, any, Array<[string, string]>] => [
      `outputs.result of a ${type} template`,
      wft('w', { templates: [{ name: 'main', steps: [[{ name: 'a', template: 'x' }], [{ name: 'b', template: 'say', ...arg('{{steps.a.outputs.result}}') }]] }, say, { name: 'x', [type]: {} }] }),
      [],
    ]),
    ['outputs.result of a steps template', wft('w', { templates: [{ name: 'main', steps: [[{ name: 'a', template: 'inner' }], [step('b', arg('{{steps.a.outputs.result}}'))]] }, say, { name: 'inner', steps: [[step('c')]] }] }), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.outputs.result}}: template "inner" is a steps template, which has no outputs.result: declare an output parameter instead'],
    ]],
    ['outputs of a template that declares none', steps([{ name: 'a', template: 'plain' }], [step('b', arg('{{steps.a.outputs.parameters.x}} {{steps.a.outputs.artifacts.y}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.outputs.parameters.x}} refers to output parameter "x" of step "a", but template "plain" does not declare it (outputs: (none)): add it to its outputs.parameters or fix the name'],
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.a.outputs.artifacts.y}} refers to output artifact "y" of step "a", but template "plain" does not declare it (outputs: (none)): add it to its outputs.artifacts or fix the name'],
    ]],
    ['partial output references are not checked', steps([{ name: 'a', template: 'wait' }], [step('b', arg('{{steps.a.outputs}} {{steps.a.outputs.parameters}} {{steps.a.outputs.artifacts}} {{steps.a.outputs.exitCode}}'))]), []],
    ['more fields a step has', steps([step('a')], [step('b', arg('{{steps.a.ip}} {{steps.a.finishedAt}} {{steps.a.hostNodeName}}'))]), []],
    ['a step that does not exist', steps([step('a')], [step('b', arg('{{steps.gone}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{steps.gone}} refers to step "gone", which does not exist in template "main": use one of "a", "b"'],
    ]],
    ['a task reference in a steps template', steps([step('a')], [step('b', arg('{{tasks.a.outputs.result}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{tasks.a.outputs.result}} refers to a task, but template "main" is not a dag template'],
    ]],
    ['{{item}} with withParam and withSequence', steps([step('a', { withParam: '["x"]', ...arg('{{item}}') })], [step('b', { withSequence: { count: '2' }, ...arg('{{item}}') })]), []],
    ['a DAG field other than tasks is checked too', wft('w', { templates: [{ name: 'main', dag: { target: '{{inputs.parameters.nope}}', tasks: [step('a')] } }, say] }), [
      ['spec.templates[0].dag.target', 'template "main": {{inputs.parameters.nope}} refers to input parameter "nope", which template "main" does not declare (inputs: (none)): add it to inputs.parameters or fix the name'],
    ]],
    ['a non-string value with an enum', wft('w', { arguments: { parameters: [{ name: 'n', value: 5, enum: ['5'] }] }, templates: [hello('main')] }), [
      ['spec.arguments.parameters[0].value', 'workflow parameter "n" has the number 5 as value: parameter values are strings, quote it ("5")'],
    ]],
    ['an output parameter declared twice', wft('w', { templates: [hello('main', { outputs: { parameters: [{ name: 'o', valueFrom: { path: '/a' } }, { name: 'o', valueFrom: { path: '/b' } }] } })] }), [
      ['spec.templates[0].outputs.parameters[1].name', 'template "main": output parameter "o" is declared twice'],
    ]],
    ['a templateRef that is null or has a name that is not a string', steps([{ name: 'a', templateRef: null }], [{ name: 'b', templateRef: { name: 5, template: 't' } }]), [
      ['spec.templates[0].steps[0][0].templateRef', 'template "main", step "a": templateRef needs both name (the WorkflowTemplate) and template (the template in it)'],
      ['spec.templates[0].steps[1][0].templateRef', 'template "main", step "b": templateRef needs both name (the WorkflowTemplate) and template (the template in it)'],
    ]],
    ['an argument that is not an object', steps([{ name: 'a', template: 'plain', arguments: { parameters: ['msg'] } }]), [
      ['spec.templates[0].steps[0][0].arguments.parameters[0].name', 'template "main", step "a": argument has no name'],
    ]],
    ['expressions with spaces in brackets', steps([step('a')], [step('b', arg('{{= steps[ "a" ].outputs.parameters[ \'gone\' ] }} {{=inputs.parameters.missing}} {{=workflow.parameters[ "nope" ]}}'))]), [
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{= steps[ "a" ].outputs.parameters[ \'gone\' ]}} refers to output parameter "gone" of step "a", but template "say" does not declare it (outputs: "out"): add it to its outputs.parameters or fix the name'],
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{=inputs.parameters.missing}} refers to input parameter "missing", which template "main" does not declare (inputs: (none)): add it to inputs.parameters or fix the name'],
      ['spec.templates[0].steps[1][0].arguments.parameters[0].value', 'template "main", step "b": {{=workflow.parameters[ "nope" ]}} refers to workflow parameter "nope", which is not in spec.arguments.parameters ((none)): add it there or fix the name'],
    ]],
    ['keys that are not identifiers are quoted in paths', wft('w', { templates: [hello('main', { metadata: { annotations: { 'x/y': '{{inputs.parameters.a}}', '1b': '{{inputs.parameters.b}}' } } })] }), [
      ['spec.templates[0].metadata.annotations["x/y"]', 'template "main": {{inputs.parameters.a}} refers to input parameter "a", which template "main" does not declare (inputs: (none)): add it to inputs.parameters or fix the name'],
      ['spec.templates[0].metadata.annotations["1b"]', 'template "main": {{inputs.parameters.b}} refers to input parameter "b", which template "main" does not declare (inputs: (none)): add it to inputs.parameters or fix the name'],
    ]],
    ['inputs with a value, a default or valueFrom need no argument; other entries are no inputs', wft('w', { templates: [
      { name: 'main', steps: [[{ name: 'a', template: 'opt' }]] },
      hello('opt', { inputs: { parameters: [{ name: 'v', value: '1' }, { name: 'd', default: '2' }, { name: 'f', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }, 'junk'] } }),
    ] }), [['spec.templates[1].inputs.parameters[3].name', 'template "opt": input parameter has no name']]],
    ['dependencies that are not strings and empty terms are ignored', dag(step('a'), step('b', { dependencies: ['a', 7] }), step('c', { depends: 'a && ' })), []],
  ])('%s', (_case, doc, expected) => {
    expect(lint(doc)).toEqual(expected.map(([path, message]) => [W, path, message]));
  });

  test('templates and WorkflowTemplates without a name: the first of a name wins', () => {
    const unnamed = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', spec: { templates: [] } };
    const a = wft('lib', { templates: [hello('t'), hello('t', { inputs: { parameters: [{ name: 'x' }] } })] });
    const b = wft('lib', { templates: [hello('u')] });
    const caller = wft('w', { templates: [{ name: 'main', steps: [[{ name: 'a', templateRef: { name: 'lib', template: 't' } }], [{ name: 'b', templateRef: { name: 'lib', template: 'u' } }]] }] });
    expect(lint(unnamed, a, b, caller)).toEqual([
      ['WorkflowTemplate <unnamed>', 'spec.templates', 'has no templates: add at least the entrypoint template'],
      ['WorkflowTemplate lib', 'spec.templates[1].name', 'template name "t" is already used by spec.templates[0]: template names must be unique'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[1][0].templateRef', 'template "main", step "b": WorkflowTemplate "lib" has no template "u": use one of "t"'],
    ]);
  });

  test('privileged containers of container sets and init containers', () => {
    const doc = wft('w', {
      templates: [{
        name: 'main',
        containerSet: { containers: [{ name: 'a', image: PINNED, securityContext: { privileged: true } }, { name: 'b', image: PINNED, securityContext: { privileged: false, allowPrivilegeEscalation: false } }] },
        initContainers: [{ name: 'init', image: PINNED, securityContext: { allowPrivilegeEscalation: true } }, 'not a container'],
      }],
    });
    expect(lint(doc)).toEqual([
      [W, 'spec.templates[0].containerSet.containers[0].securityContext.privileged', 'template "main" container "a" is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)'],
      [W, 'spec.templates[0].initContainers[0].securityContext.allowPrivilegeEscalation', 'template "main" container "init" allows privilege escalation: set allowPrivilegeEscalation to false or remove it'],
    ]);
  });

  test('a pod without its token names the executor\'s ServiceAccount, as Argo requires', () => {
    const doc = (template: any, spec: any = {}) => wft('w', { entrypoint: 'x', ...spec, templates: [hello('x', template)] });
    // GIVEN automountServiceAccountToken false without an executor account, on the template or the spec
    expect(lint(doc({ automountServiceAccountToken: false }))).toEqual([['WorkflowTemplate w', 'spec.templates[0].executor.serviceAccountName',
      'template "x" mounts no ServiceAccount token but names no executor ServiceAccount: Argo refuses to run it; set executor.serviceAccountName (a ServiceAccount allowed to create and patch workflowtaskresults)']]);
    expect(lint(doc({}, { automountServiceAccountToken: false })).length).toBe(1);
    // THEN an executor account on the template or the spec, or a mounted token, is accepted
    expect(lint(doc({ automountServiceAccountToken: false, executor: { serviceAccountName: 'exec' } }))).toEqual([]);
    expect(lint(doc({ automountServiceAccountToken: false }, { executor: { serviceAccountName: 'exec' } }))).toEqual([]);
    expect(lint(doc({ automountServiceAccountToken: true }, { automountServiceAccountToken: false }))).toEqual([]);
  });

  test('every step image is pinned by digest, unless the WorkflowTemplate names it in its exemption with a reason', () => {
    // GIVEN tag-only images in a container, a script and an init container
    const templates = [
      { name: 'main', steps: [[{ name: 'a', template: 'tagged' }], [{ name: 'b', template: 'script' }], [{ name: 'c', template: 'init' }]] },
      { name: 'tagged', container: { image: 'busybox:1.36.1' } },
      { name: 'script', script: { image: 'busybox:1.36.1', source: 'true' } },
      hello('init', { initContainers: [{ name: 'setup', image: 'alpine:3.20' }] }),
    ];
    // THEN each is refused, with where and how to fix it
    expect(lint(wft('w', { entrypoint: 'main', templates }))).toEqual([
      ['WorkflowTemplate w', 'spec.templates[1].container.image', expect.stringContaining('template "tagged": image "busybox:1.36.1" is not pinned by digest: write repository:tag@sha256:<digest>')],
      ['WorkflowTemplate w', 'spec.templates[2].script.image', expect.stringContaining('template "script": image "busybox:1.36.1" is not pinned by digest')],
      ['WorkflowTemplate w', 'spec.templates[3].initContainers[0].image', expect.stringContaining('template "init" container "setup": image "alpine:3.20" is not pinned by digest')],
    ]);
    // An exemption that names the image and gives a reason accepts exactly that image.
    const exempt = (value: string) => ({ ...wft('w', { entrypoint: 'main', templates }), metadata: { name: 'w', annotations: { 'exempt.policy.platform/image-digest': value } } });
    expect(lint(exempt('busybox:1.36.1 alpine:3.20: no digest published yet'))).toEqual([]);
    expect(lint(exempt('busybox:1.36.1: no digest published yet')).map(([, at]) => at)).toEqual(['spec.templates[3].initContainers[0].image']);
    // Without a reason, the exemption counts for nothing.
    expect(lint(exempt('busybox:1.36.1 alpine:3.20')).length).toBe(3);
    expect(lint(exempt('busybox:1.36.1 alpine:3.20:  ')).length).toBe(3);
    // An image chosen by a parameter is refused once, as an expression (a submitter would choose
    // what runs); `{{=''}}` after a tag does not hide the tag from the digest rule either.
    const chosen = (image: string, annotations?: Record<string, string>) => lint({ ...wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'img', value: PINNED }] },
      templates: [{ name: 'main', container: { image } }, hello('x')],
    }), ...(annotations ? { metadata: { name: 'w', annotations } } : {}) });
    expect(chosen('{{workflow.parameters.img}}')).toEqual([['WorkflowTemplate w', 'spec.templates[0].container.image',
      expect.stringMatching(/^template "main": the image of the container holds the expression \{\{workflow\.parameters\.img\}\}: a submitter's value would choose what runs/)]]);
    expect(chosen("node:latest{{=''}}").map(([, at, m]) => [at, m.startsWith('template "main": the image of the container holds the expression {{=\'\'}}: ')]))
      .toEqual([['spec.templates[0].container.image', true]]);
    // With the expression accepted by its reviewed exemption, the digest rule still reads the tag.
    expect(chosen("node:latest{{=''}}", { 'exempt.policy.platform/workflow-expression': "{{=''}}: test" }).map(([, at, m]) => [at, m.startsWith('template "main": image "node:latest{{=\'\'}}" is not pinned by digest')]))
      .toEqual([['spec.templates[0].container.image', true]]);
    expect(chosen(`${PINNED}{{=''}}`, { 'exempt.policy.platform/workflow-expression': "{{=''}}: test" })).toEqual([]);
  });

  test('when: never splices a parameter or item into its expression', () => {
    const doc = (when: string, params: any[] = [{ name: 'p', value: '' }]) => wft('w', {
      entrypoint: 'main',
      arguments: { parameters: params },
      templates: [
        { name: 'main', inputs: { parameters: [{ name: 'i', default: '' }] }, steps: [[{ name: 'check', template: 'say' }], [{ name: 'run', template: 'say', when }]] },
        hello('say', { outputs: { parameters: [{ name: 'build', valueFrom: { path: '/tmp/build' } }] } }),
      ],
    });
    // GIVEN the forms that let a value rewrite the condition (quoted or not)
    for (const when of ["'{{workflow.parameters.p}}' == ''", '{{workflow.parameters.p}} == x', "'{{inputs.parameters.i}}' != 'x'", '{{ workflow.parameters.p }} == x']) {
      expect([when, lint(doc(when))]).toEqual([when, [['WorkflowTemplate w', 'spec.templates[0].steps[1][0].when',
        expect.stringMatching(/^template "main", step "run": when splices \{\{(workflow|inputs)\.parameters\.[ip]\}\} into its expression, so the value can rewrite the condition: compare a fixed word/)]]]);
    }
    // THEN a step output compared with a fixed word, or an {{=...}} expression, is accepted
    expect(lint(doc('{{steps.check.outputs.parameters.build}} == maven'))).toEqual([]);
    expect(lint(doc("{{=workflow.parameters.p == 'x'}}"))).toEqual([]);
  });
});
