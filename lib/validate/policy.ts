import { EXEMPTION_PREFIX, PolicyRule } from '../rules/exemptions';
import { literalCredential, secretLookingName } from '../rules/credentials';
import { unpinnedImage } from '../rules/images';
import { describe, Manifest, podTemplateOf } from './manifest';
import { Problem } from './problem';

/** Volume types Pod Security "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * Security and operability policy for every pod template: Pod Security Standards "restricted",
 * requests and limits, a readiness probe on serving pods, pinned images, a read-only root filesystem,
 * and no plaintext secrets anywhere. A rule in PolicyRule may be relaxed per app by an exemption
 * annotation with a reason (see PolicyException).
 */
export function checkPolicy(m: Manifest): Problem[] {
  const problems: Problem[] = [];
  if (m.doc.kind === 'Secret' && (m.doc.data || m.doc.stringData)) {
    problems.push({ object: describe(m), path: m.doc.data ? 'data' : 'stringData', message: 'a Secret with values would put plaintext credentials in Git: reference a Secret that exists in the cluster (SecretRef), or use ExternalSecret/SealedSecret' });
  }
  const pod = podTemplateOf(m);
  if (!pod) return problems;
  const report = (path: string, message: string) => problems.push({ object: describe(m), path: `${pod.path}.spec${path ? `.${path}` : ''}`, message });
  const exempt = (rule: PolicyRule) => (pod.annotations[`${EXEMPTION_PREFIX}${rule}`] ?? '').trim().length > 0;
  const spec = pod.spec;
  const podSc = spec.securityContext ?? {};

  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[host]) report(host, `${host} is not allowed (Pod Security "restricted")`);
  }
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) report(`volumes[${i}]`, `volume type ${type} is not allowed (Pod Security "restricted")`);
  });
  if (podSc.runAsUser === 0) report('securityContext.runAsUser', 'must not run as root (0)');
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !['RuntimeDefault', 'Localhost'].includes(podSeccomp)) report('securityContext.seccompProfile.type', `must be RuntimeDefault or Localhost, got ${podSeccomp}`);

  const containers = [
    ...(spec.initContainers ?? []).map((c: any, i: number) => ({ c, at: `initContainers[${i}]`, init: true })),
    ...(spec.containers ?? []).map((c: any, i: number) => ({ c, at: `containers[${i}]`, init: false })),
  ];
  for (const { c, at, init } of containers) {
    const sc = c.securityContext ?? {};
    const r = (path: string, message: string) => report(`${at}.${path}`, message);
    if (sc.privileged) r('securityContext.privileged', 'privileged containers are not allowed');
    if (sc.allowPrivilegeEscalation !== false) r('securityContext.allowPrivilegeEscalation', 'must be false (Pod Security "restricted")');
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) r('securityContext.runAsNonRoot', 'must be true in the container or the pod (Pod Security "restricted")');
    if (sc.runAsUser === 0) r('securityContext.runAsUser', 'must not run as root (0)');
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) r('securityContext.seccompProfile', 'set seccompProfile.type RuntimeDefault in the pod or the container (Pod Security "restricted")');
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) r('securityContext.capabilities.drop', 'must drop ALL capabilities (Pod Security "restricted")');
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) r('securityContext.capabilities.add', `may only add NET_BIND_SERVICE, got ${added.join(', ')}`);
    (c.ports ?? []).forEach((p: any, i: number) => { if (p.hostPort) r(`ports[${i}].hostPort`, 'hostPort is not allowed'); });
    if (sc.readOnlyRootFilesystem !== true && !exempt(PolicyRule.READ_ONLY_ROOT_FILESYSTEM)) {
      r('securityContext.readOnlyRootFilesystem', 'must be true (mount an emptyDir where the app writes), or record PolicyException.writableRootFilesystem(reason)');
    }

    const why = typeof c.image === 'string' ? unpinnedImage(c.image) : 'has no image';
    if (why) r('image', `${why}`);
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (req.cpu === undefined) r('resources.requests.cpu', 'a CPU request is required (the scheduler places pods by requests)');
    if (req.memory === undefined) r('resources.requests.memory', 'a memory request is required');
    if (lim.memory === undefined) r('resources.limits.memory', 'a memory limit is required (the JVM sizes its heap from it)');
    if (lim.cpu === undefined && !exempt(PolicyRule.CPU_LIMIT)) r('resources.limits.cpu', 'a CPU limit is required, or record PolicyException.noCpuLimit(reason)');
    if (pod.serving && !init && !c.readinessProbe && !exempt(PolicyRule.READINESS_PROBE)) {
      r('readinessProbe', 'a readiness probe is required so that traffic only reaches ready pods, or record PolicyException.noReadinessProbe(reason)');
    }
    (c.env ?? []).forEach((e: any, i: number) => {
      if (e.value !== undefined && e.value !== '' && secretLookingName(String(e.name))) {
        r(`env[${i}]`, `${e.name} looks like a secret with a plaintext value: use valueFrom.secretKeyRef (SecretRef.env)`);
      } else if (typeof e.value === 'string') {
        const what = literalCredential(e.value);
        if (what) r(`env[${i}].value`, `${e.name} holds ${what} in plaintext: put it in a Secret in the cluster and use valueFrom.secretKeyRef (SecretRef.env)`);
      }
    });
  }
  return problems;
}
