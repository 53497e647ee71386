/**
 * PersistentVolumeClaims as the API server checks them (Kubernetes 1.27
 * pkg/apis/core/validation/validation.go `ValidatePersistentVolumeClaimSpec`): the claims JavaApp
 * writes and those the workflow controller creates from a WorkflowTemplate's volumeClaimTemplates.
 */
import { dns1123Subdomain } from './names';
import { parseQuantity } from './quantity';
import type { Finding } from './workloads';

/** supportedAccessModes. */
export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** supportedVolumeModes. */
const VOLUME_MODES = ['Block', 'Filesystem'];

const notSupported = (value: unknown, supported: readonly string[]) => `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`;

/** ValidatePersistentVolumeClaimSpec: access modes, the storage request, the class name and the volume mode. */
export function persistentVolumeClaimSpec(spec: any): Finding[] {
  const out: Finding[] = [];
  const modes: unknown[] = Array.isArray(spec?.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) out.push(['accessModes', 'at least 1 access mode is required']);
  modes.forEach((m, i) => { if (!ACCESS_MODES.includes(m as string)) out.push([`accessModes[${i}]`, notSupported(m, ACCESS_MODES)]); });
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod')) out.push(['accessModes', 'may not use ReadWriteOncePod with other access modes']);
  const storage = spec?.resources?.requests?.storage;
  if (storage === undefined) out.push(['resources.requests.storage', 'Required value: the size of the claim, e.g. "1Gi"']);
  else {
    const value = typeof storage === 'number' ? storage : typeof storage === 'string' ? parseQuantity(storage) : undefined;
    // ValidatePositiveQuantityValue (a quantity that does not parse is refused when decoded).
    if (value === undefined) out.push(['resources.requests.storage', `"${storage}" is not a Kubernetes quantity (e.g. "1Gi")`]);
    else if (value <= 0) out.push(['resources.requests.storage', `must be greater than zero, got "${storage}"`]);
  }
  // ValidateClassName is NameIsDNSSubdomain; the empty class asks for no dynamic provisioning.
  if (typeof spec?.storageClassName === 'string' && spec.storageClassName !== '') {
    for (const e of dns1123Subdomain(spec.storageClassName)) out.push(['storageClassName', `"${spec.storageClassName}": ${e}`]);
  }
  if (spec?.volumeMode !== undefined && !VOLUME_MODES.includes(spec.volumeMode)) out.push(['volumeMode', notSupported(spec.volumeMode, VOLUME_MODES)]);
  return out;
}
