import { literalCredential, secretLookingName } from './credentials';
import { dns1123Subdomain } from './names';
import type { Finding } from './workloads';

/**
 * ExternalSecret (External Secrets Operator v2.9.0, `external-secrets.io/v1`): what its validating
 * webhook and its controller refuse, which keys the Secret it creates holds, and Go durations as
 * the operator writes them. "ESO:" below is external-secrets/external-secrets@v2.9.0.
 */

export const ES_API_VERSION = 'external-secrets.io/v1';
export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

/** A secret store by kind and name, as an ExternalSecret's `secretStoreRef` names it. */
export interface StoreRef {
  readonly kind: StoreKind;
  readonly name: string;
}

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
/** The largest Go time.Duration (int64 nanoseconds). */
const MAX_NANOS = 9223372036854775807;

/**
 * Go's time.ParseDuration, which metav1.Duration's UnmarshalJSON calls when the webhook decodes
 * `refreshInterval` (ESO: apis/externalsecrets/v1/externalsecret_types.go, `RefreshInterval
 * *metav1.Duration`): nanoseconds, or undefined when Go refuses the string ("1h", "90s", "1h0m0s",
 * "0" parse; "1d", "60", "" do not).
 */
export function parseGoDuration(value: string): number | undefined {
  const body = value.replace(/^[-+]/, '');
  // Go: "if all that is left is "0", this is zero".
  if (body === '0') return 0;
  const parts = [...body.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== body) return undefined;
  const total = parts.reduce((sum, [, num, unit]) => sum + Number(num) * UNITS[unit], 0);
  if (total > MAX_NANOS) return undefined;
  return value.startsWith('-') ? -total : total;
}

/**
 * A whole number of milliseconds as Go's Duration.String() writes it, the form metav1.Duration
 * marshals and the CRD's default takes (`1h0m0s`, `30m0s`, `1m30s`, `45s`, `1.5s`, `500ms`, `0s`):
 * written so, the manifest is what the API server stores and Argo CD sees no difference.
 */
export function goDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`goDuration: a whole, non-negative number of milliseconds, got ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  // A whole number of milliseconds divided by 1000 prints with at most three decimals, as Go writes it.
  const s = String(rest / 1000);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The target policies with the API server's defaults applied (the CRD defaults `target` to Owner and Retain). */
export function targetPolicies(doc: any): { creation: string; deletion: string } {
  const target = doc?.spec?.target ?? {};
  return { creation: target.creationPolicy ?? 'Owner', deletion: target.deletionPolicy ?? 'Retain' };
}

/** The Secret an ExternalSecret writes: `spec.target.name`, else its own name (ESO: externalsecret_types.go, ExternalSecretTarget.Name). */
export function targetSecretName(doc: any): string | undefined {
  return doc?.spec?.target?.name || doc?.metadata?.name;
}

/** Whether it renders into a core/v1 Secret (ESO: externalsecret_validator.go, isManifestSecretTarget). */
export function rendersSecret(doc: any): boolean {
  const manifest = doc?.spec?.target?.manifest;
  return !manifest || (manifest.apiVersion === 'v1' && manifest.kind === 'Secret');
}

/**
 * ESO's validating webhook (ESO: apis/externalsecrets/v1/externalsecret_validator.go,
 * validateExternalSecret) and the structural rules of the CRD the schema walk does not run
 * (patterns, lengths, Go durations the webhook decodes). Paths are relative to the object.
 */
export function webhookRules(doc: any): Finding[] {
  const out: Finding[] = [];
  const spec = isMap(doc?.spec) ? doc.spec : {};
  const { creation, deletion } = targetPolicies(doc);
  // validatePolicies
  if (deletion === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creation)) {
    out.push(['spec.target.deletionPolicy', `Delete must not be used when the operator does not own the Secret (creationPolicy ${creation}): set creationPolicy Owner`]);
  }
  if (deletion === 'Merge' && creation === 'None') out.push(['spec.target.deletionPolicy', 'Merge must not be used with creationPolicy None: there is no Secret to merge with']);
  // validateExternalSecret: either data or dataFrom
  if (list(spec.data).length === 0 && list(spec.dataFrom).length === 0) out.push(['spec', 'either data or dataFrom should be specified']);
  out.push(...privilegedTemplate(spec.target?.template));
  if (rendersSecret(doc)) {
    // validateTemplateFromTarget -> ValidateSecretTemplateFromTargets
    list(spec.target?.template?.templateFrom).forEach((tf: any, i: number) => {
      const t = typeof tf?.target === 'string' ? tf.target : '';
      if (t !== '' && !['data', 'annotations', 'labels'].includes(t.toLowerCase())) {
        out.push([`spec.target.template.templateFrom[${i}].target`, `"${t}" is not allowed when the target is a Secret: must be Data, Annotations or Labels`]);
      }
    });
  }
  list(spec.dataFrom).forEach((ref: any, i: number) => out.push(...dataFromRules(ref, `spec.dataFrom[${i}]`)));
  // validateDuplicateKeys: only checked when deletionPolicy is Retain (the default), as upstream does.
  if (deletion === 'Retain') {
    const seen = new Set<string>();
    list(spec.data).forEach((d: any, i: number) => {
      if (seen.has(d?.secretKey)) out.push([`spec.data[${i}].secretKey`, `duplicate secretKey found: ${d.secretKey}`]);
      seen.add(d?.secretKey);
    });
  }
  out.push(...structuralRules(spec));
  return out;
}

/** validatePrivilegedTemplate: no long-lived tokens beyond the namespace's RBAC. */
function privilegedTemplate(tpl: any): Finding[] {
  if (!isMap(tpl)) return [];
  if (tpl.type === 'bootstrap.kubernetes.io/token') return [['spec.target.template.type', 'bootstrap.kubernetes.io/token is not allowed']];
  if (tpl.type !== 'kubernetes.io/service-account-token') return [];
  const out: Finding[] = [];
  if (isMap(tpl.metadata?.annotations) && 'kubernetes.io/service-account.name' in tpl.metadata.annotations) {
    out.push(['spec.target.template.metadata.annotations', 'type kubernetes.io/service-account-token with the annotation kubernetes.io/service-account.name is not allowed']);
  }
  list(tpl.templateFrom).forEach((tf: any, i: number) => {
    if (typeof tf?.target === 'string' && tf.target.toLowerCase() === 'annotations') {
      out.push([`spec.target.template.templateFrom[${i}].target`, 'type kubernetes.io/service-account-token with a templateFrom target Annotations is not allowed']);
    }
  });
  return out;
}

/** validateExtractFindGenerator, validateFindExtractSourceRef and validateSourceRef, for one dataFrom entry. */
function dataFromRules(ref: any, at: string): Finding[] {
  const out: Finding[] = [];
  const generator = ref?.sourceRef?.generatorRef != null;
  const kinds = [ref?.extract != null, ref?.find != null, generator].filter(Boolean).length;
  if (kinds > 1) out.push([at, 'extract, find, or generatorRef cannot be set at the same time']);
  if (ref?.find == null && ref?.extract == null && ref?.sourceRef == null) out.push([at, 'either extract, find, or sourceRef must be set to dataFrom']);
  if (ref?.sourceRef != null && ref.sourceRef.generatorRef == null && ref.sourceRef.storeRef == null) {
    out.push([`${at}.sourceRef`, 'generatorRef or storeRef must be set when using sourceRef in dataFrom']);
  }
  return out;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The CRD's patterns and lengths (ESO: config/crds/bases/external-secrets.io_externalsecrets.yaml) and the durations the webhook decodes. */
function structuralRules(spec: any): Finding[] {
  const out: Finding[] = [];
  list(spec.data).forEach((d: any, i: number) => {
    const k = d?.secretKey;
    if (typeof k === 'string' && (!SECRET_KEY.test(k) || k.length > 253)) {
      out.push([`spec.data[${i}].secretKey`, `"${k}" must be at most 253 of letters, digits, '-', '_' or '.' (^[-._a-zA-Z0-9]+$)`]);
    }
  });
  const names: [string, unknown][] = [
    ['spec.secretStoreRef.name', spec.secretStoreRef?.name],
    ['spec.target.name', spec.target?.name],
    ...list(spec.data).map((d: any, i: number): [string, unknown] => [`spec.data[${i}].sourceRef.storeRef.name`, d?.sourceRef?.storeRef?.name]),
    ...list(spec.dataFrom).map((d: any, i: number): [string, unknown] => [`spec.dataFrom[${i}].sourceRef.storeRef.name`, d?.sourceRef?.storeRef?.name]),
  ];
  for (const [at, name] of names) {
    if (typeof name === 'string') for (const e of dns1123Subdomain(name)) out.push([at, `"${name}": ${e}`]);
  }
  if (typeof spec.refreshInterval === 'string' && parseGoDuration(spec.refreshInterval) === undefined) {
    out.push(['spec.refreshInterval', `"${spec.refreshInterval}" is not a Go duration such as "1h0m0s", "30m0s" or "15s" (units ns, us, ms, s, m, h; no days)`]);
  }
  list(spec.syncWindows?.windows).forEach((w: any, i: number) => {
    if (typeof w?.duration === 'string' && parseGoDuration(w.duration) === undefined) out.push([`spec.syncWindows.windows[${i}].duration`, `"${w.duration}" is not a Go duration such as "8h0m0s"`]);
  });
  return out;
}

/**
 * The keys of the Secret an ExternalSecret writes, when they are knowable from the manifest alone
 * (ESO: pkg/controllers/externalsecret/externalsecret_controller_template.go, ApplyTemplate):
 * `template.data` keys, plus the fetched `data[].secretKey`s when there is no data template or the
 * merge policy is Merge. Undefined when the operator decides at run time: `dataFrom` (every key of
 * a remote value), `templateFrom`, or a creation policy that keeps the keys a Secret already has.
 */
export function producedKeys(doc: any): Set<string> | undefined {
  const spec = doc?.spec ?? {};
  const tpl = spec.target?.template;
  if (list(spec.dataFrom).length || list(tpl?.templateFrom).length) return undefined;
  if (['Merge', 'CreateOrMerge', 'None'].includes(targetPolicies(doc).creation)) return undefined;
  const fetched = list(spec.data).map((d: any) => String(d?.secretKey));
  const templated = isMap(tpl?.data) ? Object.keys(tpl.data) : [];
  if (templated.length === 0 || tpl.mergePolicy === 'Merge') return new Set([...fetched, ...templated]);
  return new Set(templated);
}

/** The stores an ExternalSecret reads: `secretStoreRef` (kind defaults to SecretStore, ESO: SecretStoreRef.Kind) and each entry's `sourceRef.storeRef`. */
export function storeRefs(doc: any): { path: string; kind: StoreKind; name: string }[] {
  const spec = doc?.spec ?? {};
  const refs: { path: string; kind: StoreKind; name: string }[] = [];
  const add = (path: string, ref: any) => {
    if (isMap(ref) && typeof ref.name === 'string') refs.push({ path, kind: ref.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore', name: ref.name });
  };
  add('spec.secretStoreRef', spec.secretStoreRef);
  list(spec.data).forEach((d: any, i: number) => add(`spec.data[${i}].sourceRef.storeRef`, d?.sourceRef?.storeRef));
  list(spec.dataFrom).forEach((d: any, i: number) => add(`spec.dataFrom[${i}].sourceRef.storeRef`, d?.sourceRef?.storeRef));
  return refs;
}

/** Entries that name neither a store of their own nor a generator, when the ExternalSecret has no `secretStoreRef`: the operator has nothing to fetch them from. */
export function entriesWithoutStore(doc: any): string[] {
  const spec = doc?.spec ?? {};
  if (isMap(spec.secretStoreRef)) return [];
  const bare = (d: any) => d?.sourceRef?.storeRef == null && d?.sourceRef?.generatorRef == null;
  return [
    ...list(spec.data).flatMap((d: any, i: number) => (bare(d) ? [`spec.data[${i}]`] : [])),
    ...list(spec.dataFrom).flatMap((d: any, i: number) => (bare(d) ? [`spec.dataFrom[${i}]`] : [])),
  ];
}

/**
 * A refresh interval of zero (or less) with the Periodic policy fetches once and then never again,
 * not even after the ExternalSecret changes in Git (ESO: externalsecret_controller.go,
 * shouldRefreshPeriodic: `RefreshInterval.Duration <= 0 && SyncedResourceVersion != ""`). The
 * platform asks for that to be said: `refreshPolicy: CreatedOnce` (or OnChange).
 */
export function silentFetchOnce(doc: any): boolean {
  const spec = doc?.spec ?? {};
  return (parseGoDuration(String(spec.refreshInterval)) ?? 1) <= 0 && (spec.refreshPolicy === undefined || spec.refreshPolicy === 'Periodic');
}

const ACTION = /\{\{[\s\S]*?\}\}/g;
/** Control structures that rebind `.` or call other templates: what they read is not followed. */
const REBINDING = /\{\{-?\s*(range|with|define|template|block)\b/;

/**
 * The keys a template reads from the fetched data (`{{ .password }}`, `{{ index . "db-password" }}`),
 * and the `.a-b` references Go's parser refuses (`-` is not part of a field name: read it with
 * `index . "a-b"`). `keys` is undefined when the template rebinds `.` (range, with) or includes others.
 */
export function templateReads(text: string): { keys?: string[]; dashed: string[] } {
  const keys: string[] = [];
  const dashed: string[] = [];
  for (const [action] of text.matchAll(ACTION)) {
    for (const m of action.matchAll(/[\s(|{]\.([A-Za-z_][A-Za-z0-9_]*)(-[A-Za-z0-9_-]*)?/g)) {
      if (m[2]) dashed.push(`.${m[1]}${m[2]}`);
      else keys.push(m[1]);
    }
    for (const m of action.matchAll(/\bindex\s+\.\s+"((?:[^"\\]|\\.)*)"/g)) keys.push(m[1]);
  }
  return { keys: REBINDING.test(text) ? undefined : [...new Set(keys)], dashed };
}

/** `spring.datasource.private-key` -> spring_datasource_private_key, to ask secretLookingName (which ignores case). */
const asVariable = (name: string) => name.replace(/[.-]/g, '_');

/**
 * A secret written into a template instead of read from the store, or undefined: a template key
 * that looks like a secret with no template action in it, a known credential (a token, a password
 * in a URL or connection string) outside the actions, or a `key=value` / `key: value` line of a
 * properties or YAML file whose key looks like a secret and whose value is plain text. The same
 * policy as a plain env value (rules/credentials.ts).
 */
export function templateLiteral(key: string, text: string): string | undefined {
  const masked = text.replace(ACTION, '${TEMPLATE}');
  if (masked === text && text.trim() !== '' && secretLookingName(asVariable(key))) return `"${key}" looks like a secret but holds plain text, not a value of the store`;
  const what = literalCredential(masked);
  if (what) return `"${key}" holds ${what} in plaintext`;
  for (const line of masked.split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!m || !secretLookingName(asVariable(m[1]))) continue;
    // An empty value ('', "" or nothing) holds no secret.
    if (!/^(["']?)\1$/.test(m[2]) && !m[2].includes('${TEMPLATE}')) return `"${key}" sets ${m[1]} to plain text, not a value of the store`;
  }
  return undefined;
}
