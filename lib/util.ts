/** Small helpers shared by the synth machinery, the gate and the tools: each written once. */

/** Orders strings by UTF-16 code units, as `Array.prototype.sort` does: the same on every machine (no locale). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> '' (anything but a string -> ''). */
export function groupOf(apiVersion: unknown): string {
  const v = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = v.indexOf('/');
  return slash < 0 ? '' : v.slice(0, slash);
}

/** A JSON object: not null, not an array. */
export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
