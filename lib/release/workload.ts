import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type * as rollouts from '../../imports/rollouts-argoproj.io';
import { check, checkRule } from '../props/checks';
import { portName } from '../rules/keys';
import { P } from '../props/schema';
import type { AppRoute, Traffic } from '../traffic';

/** A port that the Services of a rollout expose. */
export interface WorkloadPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number | string;
}

/**
 * What an Argo Rollout needs from the Deployment it drives through `workloadRef`.
 * A JavaApp provides it; `RolloutWorkload.fromDeployment()` adapts a cdk8s-plus Deployment.
 */
export interface IRolloutWorkload {
  /** Name of the Deployment, and of the Rollout that drives it. */
  readonly name: string;
  /** Namespace of the Deployment (undefined: the chart sets none, and the gate will say so). */
  readonly namespace: string | undefined;
  /** Stable pod labels the Rollout and its Services select on. */
  readonly selectorLabels: Record<string, string>;
  /** Labels for the objects the rollout adds. */
  readonly labels: Record<string, string>;
  readonly ports: WorkloadPort[];
  /** Replicas the workload asked for; undefined when an autoscaler owns them. */
  readonly desiredReplicas: number | undefined;
  /** The app's own Service, which becomes the active/stable Service. */
  readonly service?: ApiObject;
  /** The app's own Ingress, which keeps routing to the active/stable Service. */
  readonly ingress?: ApiObject;
  /** The app's own HTTPRoute (Gateway API), which a canary splits between stable and canary. */
  readonly route?: AppRoute;
  /** How traffic reaches the workload; undefined: its environment's. */
  readonly traffic?: Traffic;
  /** Called once by a rollout: the Deployment keeps `replicas: 0` and the autoscaler targets the Rollout. */
  handOver(rolloutName: string): void;
}

/** Adapters to IRolloutWorkload. */
export class RolloutWorkload {
  /** A cdk8s-plus Deployment (as in the plain nginx example): its containers' ports become the Service ports. */
  public static fromDeployment(deployment: kplus.Deployment): IRolloutWorkload {
    const apiObject = ApiObject.of(deployment);
    const ports = deployment.containers.flatMap((c) => c.ports).map((p) => ({
      name: p.name ?? `port-${p.number}`,
      port: p.number,
      targetPort: p.number,
    }));
    return {
      name: deployment.name,
      namespace: deployment.metadata.namespace ?? Chart.of(deployment).namespace,
      selectorLabels: deployment.matchLabels,
      labels: { ...(apiObject.toJson().metadata?.labels ?? {}) },
      ports,
      desiredReplicas: deployment.replicas ?? 1,
      handOver: () => apiObject.addJsonPatch(JsonPatch.add('/spec/replicas', 0)),
    };
  }
}

/**
 * Adds the Services of a rollout (`[construct id, Service name]` pairs) in front of the workload's
 * pods: its ports, and a selector of its stable labels only, since the Rollouts controller adds
 * rollouts-pod-template-hash to each selector itself.
 */
export function addRolloutServices(scope: Construct, construct: string, workload: IRolloutWorkload, services: ReadonlyArray<readonly [string, string]>): void {
  if (services.length === 0) return;
  check(workload.ports.length > 0, construct, workload.name, () => 'the workload exposes no container port, so its Services would have none: add a port to its container');
  // The Services' ports take the container ports' names, which are IANA service names (IsValidPortName).
  for (const p of workload.ports) checkRule(construct, workload.name, `workload port name "${p.name}" (a container port name)`, portName(p.name), 'name the container port with at most 15 lowercase letters, digits and \'-\'');
  const ports = workload.ports.map((p) => ({
    name: p.name, port: p.port, protocol: 'TCP',
    targetPort: typeof p.targetPort === 'number' ? k8s.IntOrString.fromNumber(p.targetPort) : k8s.IntOrString.fromString(p.targetPort),
  }));
  for (const [id, name] of services) {
    new k8s.KubeService(scope, id, {
      metadata: { name, namespace: workload.namespace, labels: workload.labels },
      spec: { type: 'ClusterIP', selector: workload.selectorLabels, ports },
    });
  }
}

/**
 * The part of a Rollout's spec that every strategy shares: the Rollout takes the workload's pods
 * over through `workloadRef` (the Deployment keeps the template at `replicas: 0`) and selects them
 * by its stable labels.
 */
export function workloadRefSpec(workload: IRolloutWorkload, replicas: number | undefined, revisionHistoryLimit: number | undefined): Pick<rollouts.RolloutSpec, 'replicas' | 'revisionHistoryLimit' | 'selector' | 'workloadRef'> {
  return {
    replicas,
    revisionHistoryLimit: revisionHistoryLimit ?? 10,
    selector: { matchLabels: workload.selectorLabels },
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name },
  };
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
/** The `workload` prop of a Rollout: a JavaApp, another IRolloutWorkload, or a cdk8s-plus Deployment. */
export const ROLLOUT_WORKLOAD = P.oneOf(
  P.instance('cdk8s-plus Deployment', kplus.Deployment),
  P.like('IRolloutWorkload', (v) => typeof v === 'object' && v !== null && typeof (v as any).name === 'string' && typeof (v as any).handOver === 'function'),
);
