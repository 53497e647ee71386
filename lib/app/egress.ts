import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Environment } from '../platform';
import { check, checkName, checkPort } from '../props/checks';
import { checkOptions, checkProps, P } from '../props/schema';
import { isCidr } from '../rules/network';

export { isCidr } from '../rules/network';

/** Options of an egress destination. */
export interface EgressPortOptions {
  /**
   * TCP ports the app may reach there.
   * @default every port
   */
  readonly ports?: number[];
}

/** Where an app may connect to when its NetworkPolicy restricts egress. */
export class Egress {
  /** Pods of these apps (by `app.kubernetes.io/name`) in the app's own namespace. */
  public static toApps(apps: string[], options: EgressPortOptions = {}): Egress {
    checkOptions('Egress.toApps', options, EgressPortOptionsSchema);
    return new Egress('apps', apps, options.ports);
  }

  /** Every pod of these namespaces. */
  public static toNamespaces(namespaces: string[], options: EgressPortOptions = {}): Egress {
    checkOptions('Egress.toNamespaces', options, EgressPortOptionsSchema);
    return new Egress('namespaces', namespaces, options.ports);
  }

  /** Addresses outside the cluster (databases, APIs), as IPv4 CIDRs. */
  public static toCidrs(cidrs: string[], options: EgressPortOptions = {}): Egress {
    checkOptions('Egress.toCidrs', options, EgressPortOptionsSchema);
    return new Egress('cidrs', cidrs, options.ports);
  }

  private constructor(public readonly kind: 'apps' | 'namespaces' | 'cidrs', public readonly targets: string[], public readonly ports?: number[]) {}

  /** The NetworkPolicy egress rule; checks the targets, naming the construct. */
  public toKube(construct: string, id: string): k8s.NetworkPolicyEgressRule {
    check(this.targets.length > 0, construct, id, () => `networkPolicy.egress ${this.kind} must not be empty`);
    for (const t of this.targets) {
      if (this.kind === 'cidrs') check(isCidr(t), construct, id, () => `networkPolicy.egress cidr must be an IPv4 CIDR such as 10.0.0.0/8, got "${t}"`);
      else checkName(construct, id, `networkPolicy.egress ${this.kind}`, t);
    }
    for (const p of this.ports ?? []) checkPort(construct, id, 'networkPolicy.egress ports', p);
    const targets = [...new Set(this.targets)].sort();
    const to: k8s.NetworkPolicyPeer[] = targets.map((t) => (this.kind === 'apps'
      ? { podSelector: { matchLabels: { 'app.kubernetes.io/name': t } } }
      : this.kind === 'namespaces'
        ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': t } } }
        : { ipBlock: { cidr: t } }));
    const ports = [...new Set(this.ports ?? [])].sort((a, b) => a - b).map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
    return { to, ports: ports.length ? ports : undefined };
  }
}

/** The egress rule every restricted pod needs: DNS to kube-dns in kube-system, UDP and TCP 53. */
export function dnsEgressRule(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
  };
}

export interface DefaultDenyEgressProps {
  /**
   * Namespace whose pods lose egress.
   * @default the environment's (or chart's) namespace
   */
  readonly namespace?: string;
}

/**
 * A NetworkPolicy `default-deny-egress` on every pod of a namespace: no connection out except DNS.
 * Each app then opens what it calls with `networkPolicy.egress` (NetworkPolicies add up).
 */
export class DefaultDenyEgress extends Construct {
  constructor(scope: Construct, id: string, props: DefaultDenyEgressProps = {}) {
    super(scope, id);
    checkProps('DefaultDenyEgress', id, props, DefaultDenyEgressPropsSchema);
    const env = Environment.find(this);
    const namespace = props.namespace ?? env?.namespace;
    check(namespace !== undefined, 'DefaultDenyEgress', id, () => 'needs a namespace: create it in an Environment or pass namespace');
    checkName('DefaultDenyEgress', id, 'namespace', namespace!);
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        name: 'default-deny-egress',
        namespace,
        labels: { 'app.kubernetes.io/part-of': env?.partOf ?? 'platform', 'app.kubernetes.io/managed-by': 'cdk8s' },
      },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule()] },
    });
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const EgressPortOptionsSchema = P.object('EgressPortOptions', { ports: P.array(P.number) });
export const DefaultDenyEgressPropsSchema = P.object('DefaultDenyEgressProps', { namespace: P.string });
