import { check, isDnsSubdomain } from '../props/checks';
import { P } from '../props/schema';

/**
 * A Kubernetes cluster registered in Argo CD (`argocd cluster add`, or a declarative cluster Secret
 * kept out of Git). Applications and AppProjects name it by its API server URL; its credentials
 * never appear in `dist/`.
 */
export interface ArgoCdCluster {
  /** The cluster's name in Argo CD (`argocd cluster list`), e.g. `prod-eu-1`. */
  readonly name: string;
  /** The cluster's API server URL as registered in Argo CD, e.g. `https://prod-eu-1.k8s.example.com`. */
  readonly server: string;
}

/** The cluster Argo CD runs in: registered by Argo CD itself under this name and address. */
export const IN_CLUSTER: ArgoCdCluster = Object.freeze({ name: 'in-cluster', server: 'https://kubernetes.default.svc' });

/** Why `server` is not the https:// URL of an API server, or undefined when it is one. */
export function badServer(server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `must be the https:// URL of a Kubernetes API server, got "${server}"`;
  }
  if (url.protocol !== 'https:' || /\s/.test(server)) return `must be the https:// URL of a Kubernetes API server, got "${server}"`;
  if (url.username || url.password) return 'must not contain credentials: they belong in the cluster Secret registered in Argo CD';
  if (url.search || url.hash) return `must be a plain API server URL without query or fragment, got "${server}"`;
  return undefined;
}

/** Checks a cluster prop; returns it with the server's trailing slash removed (Argo CD compares servers as strings). */
export function checkCluster(construct: string, id: string, prop: string, cluster: ArgoCdCluster): ArgoCdCluster {
  check(typeof cluster === 'object' && cluster !== null, construct, id, () => `${prop} must be { name, server }, got ${JSON.stringify(cluster)}`);
  check(typeof cluster.name === 'string' && isDnsSubdomain(cluster.name), construct, id,
    () => `${prop}.name must be the cluster's name in Argo CD (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(cluster.name)}`);
  check(typeof cluster.server === 'string', construct, id, () => `${prop}.server must be the https:// URL of a Kubernetes API server`);
  const why = badServer(cluster.server);
  check(why === undefined, construct, id, () => `${prop}.server ${why}`);
  const server = cluster.server.replace(/\/+$/, '');
  // Argo CD registers its own cluster under this name and address; one without the other is a typo.
  check((cluster.name === IN_CLUSTER.name) === (server === IN_CLUSTER.server), construct, id,
    () => `${prop}: "${IN_CLUSTER.name}" is Argo CD's own cluster, ${IN_CLUSTER.server}; name and server must both be it or neither, got { name: "${cluster.name}", server: "${cluster.server}" }`);
  return { name: cluster.name, server };
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const ArgoCdClusterSchema = P.object('ArgoCdCluster', { name: P.required(P.string), server: P.required(P.string) });
