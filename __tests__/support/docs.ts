/**
 * Hand-built Kubernetes documents for testing the validation gate rule by rule, without synthesizing
 * an app: each factory returns a small object that passes the schema and the policy, for a test to
 * break in exactly one place.
 */
import { Manifest, NamespaceIndex } from '../../lib/validate/manifest';

export const NS = 'shop';
export const FILE = 'dev/app.yaml';
export const IMAGE = 'ghcr.io/acme-shop/app:1.0.0';

type Doc = Record<string, any>;

/** A container that satisfies every policy rule (restricted, resources, probe, pinned image). */
export function container(overrides: Doc = {}): Doc {
  return {
    name: 'app',
    image: IMAGE,
    ports: [{ name: 'http', containerPort: 8080 }],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    ...overrides,
  };
}

/** A pod spec that satisfies every policy rule. */
export function podSpec(overrides: Doc = {}): Doc {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
    ...overrides,
  };
}

export function podTemplate(labels: Record<string, string>, spec: Doc = podSpec()): Doc {
  return { metadata: { labels }, spec };
}

function meta(name: string, extra: Doc = {}): Doc {
  return { name, namespace: NS, ...extra };
}

export function deployment(name: string, options: { labels?: Record<string, string>; replicas?: number; spec?: Doc } = {}): Doc {
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: { matchLabels: { ...labels } },
      template: podTemplate({ ...labels }, options.spec ?? podSpec()),
    },
  };
}

export function service(name: string, selector: Record<string, string> | undefined, ports: Doc[] = [{ name: 'http', port: 80, targetPort: 'http' }]): Doc {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { ...(selector ? { selector } : {}), ports } };
}

export function backend(service: string, port: Doc): Doc {
  return { service: { name: service, port } };
}

export function ingress(name: string, backends: Doc[], defaultBackend?: Doc): Doc {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(name),
    spec: {
      ...(defaultBackend ? { defaultBackend } : {}),
      rules: [{ host: `${name}.example.com`, http: { paths: backends.map((b) => ({ path: '/', pathType: 'Prefix', backend: b })) } }],
    },
  };
}

export function hpa(name: string, scaleTargetRef: Doc): Doc {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(name),
    spec: { scaleTargetRef, minReplicas: 1, maxReplicas: 3 },
  };
}

export function pdb(name: string, matchLabels: Record<string, string> | undefined): Doc {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(name), spec: { maxUnavailable: 1, selector: matchLabels ? { matchLabels } : {} } };
}

export function networkPolicy(name: string, matchLabels: Record<string, string> | undefined): Doc {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name), spec: { podSelector: matchLabels ? { matchLabels } : {}, policyTypes: ['Ingress'] } };
}

export function named(kind: 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'AnalysisTemplate', name: string): Doc {
  switch (kind) {
    case 'ConfigMap': return { apiVersion: 'v1', kind, metadata: meta(name), data: { a: '1' } };
    case 'PersistentVolumeClaim': return { apiVersion: 'v1', kind, metadata: meta(name), spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } };
    case 'ServiceAccount': return { apiVersion: 'v1', kind, metadata: meta(name) };
    case 'AnalysisTemplate': return analysisTemplate(name);
  }
}

export function analysisTemplate(name: string, args?: Doc[]): Doc {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: meta(name),
    spec: { ...(args ? { args } : {}), metrics: [{ name: 'up', successCondition: 'result == true', provider: { web: { url: 'http://x/health', jsonPath: '{$.up}' } } }] },
  };
}

/** A Rollout; `workloadRef` of a Deployment by default, or its own `template`. */
export function rollout(name: string, strategy: Doc, options: { workloadRef?: Doc | null; template?: Doc; selector?: Record<string, string> } = {}): Doc {
  const ref = options.workloadRef === null ? undefined : options.workloadRef ?? { apiVersion: 'apps/v1', kind: 'Deployment', name };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: meta(name),
    spec: {
      replicas: 2,
      selector: { matchLabels: options.selector ?? { app: name } },
      ...(ref ? { workloadRef: ref } : {}),
      ...(options.template ? { template: options.template } : {}),
      strategy,
    },
  };
}

export function manifest(doc: Doc, file = FILE): Manifest {
  return { file, doc };
}

export function manifests(...docs: Doc[]): Manifest[] {
  return docs.map((d) => manifest(d));
}

/** The namespace index of the documents (all in one namespace). */
export function index(...docs: Doc[]): NamespaceIndex {
  const ns = new NamespaceIndex();
  for (const m of manifests(...docs)) ns.add(m);
  return ns;
}

/** How problems read in the tests: `object path: message`. */
export function lines(problems: { object: string; path: string; message: string }[]): string[] {
  return problems.map((p) => `${p.object} ${p.path}: ${p.message}`);
}
