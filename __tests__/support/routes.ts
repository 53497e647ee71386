/**
 * Hand-built Gateway API documents (HTTPRoute, Gateway, ReferenceGrant) and the Argo CD
 * Application of a folder, for testing the gate's route rules one at a time: each factory returns
 * what the constructs write (every defaulted field explicit), for a test to break in one place.
 */
import { Manifest } from '../../lib/validate/manifest';
import { FILE, NS } from './docs';

type Doc = Record<string, any>;

export const GW = 'gateway.networking.k8s.io';
export const GW_NS = 'gateway-system';

/** A parentRef to the shared Gateway `gateway-system/public`. */
export function parent(overrides: Doc = {}): Doc {
  return { group: GW, kind: 'Gateway', name: 'public', namespace: GW_NS, ...overrides };
}

/** A backendRef to a Service of the route's namespace, port 80, weight 1. */
export function ref(name: string, overrides: Doc = {}): Doc {
  return { group: '', kind: 'Service', name, port: 80, weight: 1, ...overrides };
}

/** A rule: PathPrefix `path` to the given backendRefs. */
export function rule(backendRefs: Doc[], path = '/'): Doc {
  return { matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs };
}

export function httpRoute(name: string, options: { namespace?: string; parentRefs?: Doc[]; hostnames?: string[]; rules?: Doc[]; labels?: Record<string, string> } = {}): Doc {
  return {
    apiVersion: `${GW}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: options.namespace ?? NS, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      parentRefs: options.parentRefs ?? [parent()],
      ...(options.hostnames === undefined ? { hostnames: [`${name}.example.com`] } : options.hostnames.length ? { hostnames: options.hostnames } : {}),
      rules: options.rules ?? [rule([ref(name)])],
    },
  };
}

/** A Gateway with the given listeners (default: one HTTP listener `http` without allowedRoutes). */
export function gateway(name: string, namespace: string, listeners: Doc[] = [{ name: 'http', protocol: 'HTTP', port: 80 }]): Doc {
  return { apiVersion: `${GW}/v1`, kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: 'eg', listeners } };
}

export function namespace(name: string, labels?: Record<string, string>): Doc {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

/** A ReferenceGrant in `namespace` letting HTTPRoutes of `from` reference its Services (`to` overrides). */
export function referenceGrant(namespace: string, from: Doc = { group: GW, kind: 'HTTPRoute', namespace: NS }, to: Doc = { group: '', kind: 'Service' }): Doc {
  return { apiVersion: `${GW}/v1beta1`, kind: 'ReferenceGrant', metadata: { name: 'routes', namespace }, spec: { from: [from], to: [to] } };
}

/** A Service `name` in `namespace` with the given ports (selector-less: these tests look at routes only). */
export function svc(name: string, namespace = NS, ports: Doc[] = [{ name: 'http', port: 80, targetPort: 'http' }]): Doc {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports } };
}

/** What the constructs' Application of the folder `dev` ignores for a plugin-driven route. */
export const WEIGHTS = { group: GW, kind: 'HTTPRoute', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] };

/** The Argo CD Application that syncs folder `dev`, in the bootstrap folder (null: without ignoreDifferences, without syncOptions). */
export function application(ignoreDifferences: Doc[] | null = [WEIGHTS], syncOptions: string[] | null = ['RespectIgnoreDifferences=true']): Manifest {
  return {
    file: 'argocd/applications.yaml',
    doc: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'dev', namespace: 'argocd' },
      spec: {
        project: 'dev',
        source: { repoURL: 'https://github.com/acme-shop/platform-gitops.git', path: 'dist/dev', targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
        ...(ignoreDifferences ? { ignoreDifferences } : {}),
        ...(syncOptions ? { syncPolicy: { syncOptions } } : {}),
      },
    },
  };
}

/** Documents as manifests of `dev/app.yaml`; a Manifest passes through with its own file. */
export function placed(...items: (Doc | Manifest)[]): Manifest[] {
  return items.map((d) => (typeof d.file === 'string' && d.doc ? d as Manifest : { file: FILE, doc: d }));
}
