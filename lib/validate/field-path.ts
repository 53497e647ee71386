/**
 * Problem paths as Kubernetes writes them (apimachinery's `field.Path`: `Child`, `Index`, `Key`),
 * e.g. `spec.templates[0].dag.tasks[2].arguments.parameters[1].name`; a key that is not an
 * identifier is quoted: `metadata.annotations["example.com/x"]`.
 */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `path.a.b` (or `a.b` from the root). */
export function child(path: string, ...names: string[]): string {
  return [path, ...names].filter((n) => n !== '').join('.');
}

/** `path[i]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** A field named by data: `path.k` when `k` is an identifier, else `path["k"]`. */
export function key(path: string, k: string): string {
  return IDENT.test(k) ? child(path, k) : `${path}[${JSON.stringify(k)}]`;
}
