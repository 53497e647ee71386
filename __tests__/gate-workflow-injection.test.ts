import { ApiObject, Chart } from 'cdk8s';
import { Environment, JavaApp, PipelineTemplate, PlatformApp, TemplateReferencing, ValidationError } from '../lib';
import { lintWorkflowTemplates } from '../lib/validate/workflow-lint';

/**
 * WorkflowTemplates as code under review: a field that picks code, an image, an identity or a
 * Secret holds no expression a submitter fills, and a WorkflowTemplate that holds credentials
 * declares the controller setting that keeps submitters to it. Each rule: refused, and accepted.
 */

const PINNED = 'busybox:1.36.1@sha256:' + 'b'.repeat(64);
const SECURE = { 'policy.platform/controller-template-referencing': 'Secure' };

function wft(template: any, opts: { spec?: any; annotations?: Record<string, string> } = {}): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate',
    metadata: { name: 'w', namespace: 'ci', annotations: { ...SECURE, ...(opts.annotations ?? {}) } },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'p', value: 'x' }] },
      templates: [{ name: 'main', inputs: { parameters: [{ name: 'q', default: '' }] }, ...template }],
      ...(opts.spec ?? {}),
    },
  };
}

const lint = (doc: any) => lintWorkflowTemplates([doc]).map((p) => [p.path, p.message]);
const P = '{{workflow.parameters.p}}';

/** One injection per case: where it sits, and the path the gate names. */
const INJECTIONS: Array<[string, any, string, string?]> = [
  ['an image', { container: { image: `alpine:{{inputs.parameters.q}}` } }, 'spec.templates[0].container.image'],
  ['an image behind a tag (node:latest{{=\'\'}})', { container: { image: "node:latest{{=''}}" } }, 'spec.templates[0].container.image'],
  ['an init container\'s image', { container: { image: PINNED }, initContainers: [{ name: 'i', image: P }] }, 'spec.templates[0].initContainers[0].image'],
  ['a script\'s source', { script: { image: PINNED, command: ['sh'], source: `echo "${P}"` } }, 'spec.templates[0].script.source'],
  ['a container\'s args', { container: { image: PINNED, command: ['sh', '-c'], args: [`echo ${P}`] } }, 'spec.templates[0].container.args[0]'],
  ['a container\'s command', { container: { image: PINNED, command: ['{{inputs.parameters.q}}'] } }, 'spec.templates[0].container.command[0]'],
  ['an expression in args', { container: { image: PINNED, args: ["{{=sprig.trim(workflow.parameters.p)}}"] } }, 'spec.templates[0].container.args[0]'],
  ['a serviceAccountName', { serviceAccountName: P, container: { image: PINNED } }, 'spec.templates[0].serviceAccountName'],
  ['the executor\'s serviceAccountName', { executor: { serviceAccountName: P }, container: { image: PINNED } }, 'spec.templates[0].executor.serviceAccountName'],
  ['a Secret name in env', { container: { image: PINNED, env: [{ name: 'T', valueFrom: { secretKeyRef: { name: P, key: 'token' } } }] } },
    'spec.templates[0].container.env[0].valueFrom.secretKeyRef.name'],
  ['a Secret volume', { container: { image: PINNED }, volumes: [{ name: 'v', secret: { secretName: P } }] }, 'spec.templates[0].volumes[0].secret.secretName'],
  ['a Secret in envFrom', { container: { image: PINNED, envFrom: [{ secretRef: { name: P } }] } }, 'spec.templates[0].container.envFrom[0].secretRef.name'],
  ['a pod spec patch', { podSpecPatch: `{"serviceAccountName": "${P}"}`, container: { image: PINNED } }, 'spec.templates[0].podSpecPatch'],
  ['the workflow\'s serviceAccountName', { container: { image: PINNED } }, 'spec.serviceAccountName', 'spec'],
  ['the workflow\'s pod spec patch', { container: { image: PINNED } }, 'spec.podSpecPatch', 'spec'],
];

describe('the gate refuses expressions where a submitter would choose code, an image, an identity or a Secret', () => {
  test.each(INJECTIONS.map(([what, template, at, level]) => [what, template, at, level ?? 'template'] as const))('%s: refused with one message', (_what, template, at, level) => {
    const spec = level === 'spec' ? { [at.replace('spec.', '')]: at.endsWith('podSpecPatch') ? `{"hostNetwork": ${P}}` : P } : undefined;
    const problems = lint(wft(template, { spec }));
    expect(problems).toEqual([[at, expect.stringContaining('holds the expression {{')]]);
    expect(problems[0][1]).toMatch(/Write a constant, or list the expression in the annotation exempt\.policy\.platform\/workflow-expression/);
  });

  test('the same fields with constants, and parameters as environment variables, pass', () => {
    expect(lint(wft({
      serviceAccountName: 'pipeline-wait',
      podSpecPatch: '{"terminationGracePeriodSeconds": 5}',
      script: {
        image: PINNED, command: ['sh'], source: 'echo "$Q" "{{workflow.name}}"',
        env: [{ name: 'Q', value: '{{inputs.parameters.q}}' }, { name: 'T', valueFrom: { secretKeyRef: { name: 'token', key: 't' } } }],
      },
      volumes: [{ name: 'v', secret: { secretName: 'token' } }],
    }))).toEqual([]);
    // Kubernetes' own $(VAR) in args is not Argo's: the value stays one argument.
    expect(lint(wft({ container: { image: PINNED, args: ['--namespace=$(NS)', '--', '$(APP)'], env: [{ name: 'APP', value: P }, { name: 'NS', value: P }] } }))).toEqual([]);
  });

  test('the reviewed exemption accepts exactly the expressions it lists, with a reason', () => {
    const doc = (annotation: string) => wft({ serviceAccountName: P, container: { image: PINNED } },
      { annotations: { 'exempt.policy.platform/workflow-expression': annotation } });
    expect(lint(doc(`${P}: each team runs as its own account, checked by the admission policy`))).toEqual([]);
    expect(lint(doc(`${P}:  `))).toHaveLength(1);
    expect(lint(doc('{{workflow.parameters.other}}: another one'))).toHaveLength(1);
  });
});

describe('a WorkflowTemplate that holds credentials declares the controller setting', () => {
  const holding = (annotations: Record<string, string | undefined>) => {
    const doc = wft({ container: { image: PINNED, env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'gitops-credentials', key: 'password' } } }] } });
    doc.metadata.annotations = Object.fromEntries(Object.entries(annotations).filter(([, v]) => v !== undefined));
    return lint(doc);
  };

  test('without it, refused with what it holds and what to set', () => {
    expect(holding({})).toEqual([['metadata.annotations', expect.stringMatching(
      /^holds credentials \(Secret gitops-credentials\) but declares no restricting controller setting: unless the Argo Workflows controller sets workflowRestrictions\.templateReferencing: Secure/)]]);
    expect(holding({ 'policy.platform/controller-template-referencing': 'None' })[0][1]).toContain('("None" is not a setting that restricts: use Secure or Strict)');
    expect(holding({ 'exempt.policy.platform/template-referencing': ' ' })).toHaveLength(1);
  });

  test('Secure, Strict, or a recorded reason is accepted; a template that holds nothing needs nothing', () => {
    expect(holding({ 'policy.platform/controller-template-referencing': 'Secure' })).toEqual([]);
    expect(holding({ 'policy.platform/controller-template-referencing': 'Strict' })).toEqual([]);
    expect(holding({ 'exempt.policy.platform/template-referencing': 'a namespace of its own, only the CI robot may submit' })).toEqual([]);
    const plain = wft({ container: { image: PINNED } });
    plain.metadata.annotations = {};
    expect(lint(plain)).toEqual([]);
  });
});

describe('through the platform\'s synth', () => {
  function platform(extra?: (chart: Chart) => void, props: Partial<ConstructorParameters<typeof PipelineTemplate>[2]> = {}): PlatformApp {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    new JavaApp(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2' });
    const ci = new Chart(app, 'ci');
    new PipelineTemplate(ci, 'pipeline', { gitopsRepo: 'https://github.com/acme-shop/platform-gitops.git', ...props });
    extra?.(ci);
    return app;
  }
  const problems = (app: PlatformApp) => {
    try {
      app.manifests();
      return [];
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return e.problems.map((p) => `${p.object} ${p.path}: ${p.message}`);
    }
  };

  test('the platform\'s own templates pass, and declare Secure', () => {
    const docs = platform().manifests().map((m) => m.doc).filter((d) => d.kind === 'WorkflowTemplate');
    expect(docs.length).toBe(5);
    for (const d of docs) expect([d.metadata.name, d.metadata.annotations['policy.platform/controller-template-referencing']]).toEqual([d.metadata.name, 'Secure']);
  });

  test('a WorkflowTemplate a user adds with an injection is refused by the synth, one message each', () => {
    for (const [what, template, at, level] of INJECTIONS) {
      const app = platform((ci) => {
        // The platform's executor identity, so only the injection is wrong.
        const identity = { automountServiceAccountToken: false, executor: { serviceAccountName: 'pipeline-executor' } };
        const doc = wft(template, { spec: { ...identity, ...(level === 'spec' ? { [at.replace('spec.', '')]: P } : {}) } });
        new ApiObject(ci, 'user', { apiVersion: doc.apiVersion, kind: doc.kind, metadata: doc.metadata, spec: doc.spec });
      });
      const found = problems(app);
      expect([what, found]).toEqual([what, [expect.stringContaining(`WorkflowTemplate w ${at}: `)]]);
    }
  });

  test('TemplateReferencing.unrestricted records its reason; without one the PipelineTemplate refuses', () => {
    const docs = platform(undefined, { templateReferencing: TemplateReferencing.unrestricted('a cluster of its own; only the CI robot may submit') })
      .manifests().map((m) => m.doc).filter((d) => d.kind === 'WorkflowTemplate');
    for (const d of docs) {
      expect(d.metadata.annotations['exempt.policy.platform/template-referencing']).toBe('a cluster of its own; only the CI robot may submit');
      expect(d.metadata.annotations['policy.platform/controller-template-referencing']).toBeUndefined();
    }
    expect(() => platform(undefined, { templateReferencing: TemplateReferencing.unrestricted(' ') }))
      .toThrow('templateReferencing: TemplateReferencing.unrestricted() needs the reason');
  });
});
