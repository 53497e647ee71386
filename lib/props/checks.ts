import { Duration } from 'cdk8s';
import type { PercentOrAbsolute } from 'cdk8s-plus-27';
import { unpinnedImage } from '../rules/images';
import * as keys from '../rules/keys';
import * as names from '../rules/names';
import { countOrPercent, INT32_MAX, parseQuantity } from '../rules/quantity';

/**
 * Checks of construct props, shared by every construct: each failure is one error that names the
 * construct, the prop and what to change, e.g. `JavaApp "orders": port must be 1-65535, got 70000`.
 */
export class PropError extends Error {
  /**
   * The paths of the props at fault (`memoryLimit`, `ingress.host`), for tools that point at them
   * in the source (the synth runner shows the prop's own line): given, else the prop the message
   * opens with. Not enumerable, so the error prints as before.
   */
  declare readonly props: readonly string[];

  constructor(construct: string, id: string, message: string, props?: readonly string[]) {
    super(`${construct} "${id}": ${message}`);
    this.name = 'PropError';
    Object.defineProperty(this, 'props', { value: props ?? leadingProp(message), enumerable: false, configurable: true });
  }
}

/** Words a message may open with that name no prop (`must be created ...`, `needs a namespace`). */
const NOT_PROPS = new Set(['must', 'needs', 'need', 'is', 'are', 'has', 'two', 'mount', 'environment', 'name', 'cannot', 'only']);

/** The prop path a message opens with (`autoscaling.minReplicas (3) must ...` -> `autoscaling.minReplicas`), if any. */
function leadingProp(message: string): string[] {
  const m = /^([a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*|\[\d*\])*)(?=[\s:(]|$)/.exec(message);
  return m && !NOT_PROPS.has(m[1]) ? [m[1]] : [];
}

/** Throws a PropError for the construct when `ok` is false. */
export function check(ok: boolean, construct: string, id: string, message: () => string): void {
  if (!ok) throw new PropError(construct, id, message());
}

/**
 * Throws one PropError for the first problems a rule found (see lib/rules/): `prop` names the prop,
 * `fix` (optional) says what to do instead.
 */
export function checkRule(construct: string, id: string, prop: string, problems: readonly string[], fix?: string): void {
  if (problems.length === 0) return;
  throw new PropError(construct, id, `${prop} ${problems.join('; ')}${fix ? `: ${fix}` : ''}`);
}

/** A DNS-1123 label (the rule for Namespaces, container and volume names): at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return names.dns1123Label(name).length === 0;
}

/** A DNS-1123 subdomain (the rule for most object names: ConfigMaps, Secrets, Deployments, ...). */
export function isDnsSubdomain(name: string): boolean {
  return names.dns1123Subdomain(name).length === 0;
}

export function checkName(construct: string, id: string, prop: string, value: string): void {
  check(isDnsLabel(value), construct, id, () =>
    `${prop} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "${value}"`);
}

/** `value` names an object of `kind`: the API server's name rule of that kind (names.objectName). */
export function checkObjectName(construct: string, id: string, prop: string, kind: string, value: string): void {
  checkRule(construct, id, `${prop} "${value}"`, names.objectName(kind, value));
}

/** An integer from `min` to `max` (`Infinity`: no maximum). */
export function checkInteger(construct: string, id: string, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= min && value <= max, construct, id, () =>
    `${prop} must be an integer ${max === Infinity ? `of at least ${min}` : `${min}-${max}`}, got ${value}`);
}

/**
 * An API field of Go type int32 (replicas, counts, limits): from `min` (the field's upstream rule,
 * e.g. ValidateNonnegativeField's 0) up to 2^31-1, where decoding stops; no bound of our own.
 */
export function checkInt32(construct: string, id: string, prop: string, value: number | undefined, min: number): void {
  if (value !== undefined && Number.isInteger(value) && value > INT32_MAX) throw new PropError(construct, id, `${prop} must fit in a 32-bit integer (at most ${INT32_MAX}), got ${value}`);
  checkInteger(construct, id, prop, value, min, Infinity);
}

/** How a Duration reads in a message and in Argo's fields: the largest unit that divides it ("90s", "5m", "2h", "1500ms"). */
export function showDuration(d: Duration): string {
  const ms = d.toMilliseconds({ integral: false });
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s === 0) return '0s';
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * A duration as Argo Rollouts writes it (`30s`, `5m`, `1h`): whole seconds, in the largest unit that
 * divides it. A PropError of `construct` names `prop` otherwise.
 */
export function argoDuration(d: Duration, construct: string, id: string, prop: string): string {
  checkSeconds(construct, id, prop, d, 1);
  return showDuration(d);
}

/**
 * What is wrong with a Duration for an API field of whole seconds (`periodSeconds`,
 * `activeDeadlineSeconds`, ...) that takes `min` to `max` seconds, or undefined when nothing is.
 */
export function secondsProblem(value: Duration, min: number, max: number = Infinity): string | undefined {
  const ms = value.toMilliseconds({ integral: false });
  if (Number.isInteger(ms) && ms % 1000 === 0 && ms >= min * 1000 && ms <= max * 1000) return undefined;
  const range = max === Infinity ? `of at least ${showDuration(Duration.seconds(min))}` : `from ${showDuration(Duration.seconds(min))} to ${showDuration(Duration.seconds(max))}`;
  return `must be a whole number of seconds ${range}, got ${showDuration(value)}`;
}

/** A time prop given as a Duration, for an API field of whole seconds: returns its seconds (see secondsProblem). */
export function checkSeconds(construct: string, id: string, prop: string, value: Duration, min: number, max?: number): number;
export function checkSeconds(construct: string, id: string, prop: string, value: Duration | undefined, min: number, max?: number): number | undefined;
export function checkSeconds(construct: string, id: string, prop: string, value: Duration | undefined, min: number, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const problem = secondsProblem(value, min, max);
  check(problem === undefined, construct, id, () => `${prop} ${problem}`);
  return value.toSeconds();
}

/**
 * A count or a percentage (`PercentOrAbsolute.absolute(1)`, `PercentOrAbsolute.percent(25)`) as the
 * API field takes it: a whole count >= 0 or a whole percentage, at most 100% when `max100`.
 * Returns the field's value (`1` or `"25%"`).
 */
export function checkPercentOrAbsolute(construct: string, id: string, prop: string, value: PercentOrAbsolute, max100: boolean): number | string {
  const v: number | string = value.value;
  checkRule(construct, id, prop, countOrPercent(v, max100));
  return v;
}

export function checkPort(construct: string, id: string, prop: string, value: number | undefined): void {
  if (value === undefined) return;
  check(keys.portNumber(value).length === 0, construct, id, () => `${prop} must be 1-65535, got ${value}`);
}

export { parseQuantity } from '../rules/quantity';
export { parseImage, unpinnedImage, imageVersion } from '../rules/images';

/**
 * A positive Kubernetes quantity; the message offers `examples`, which the caller picks to satisfy
 * every rule of that prop (a memory limit's examples are at least a JVM's minimum).
 */
export function checkQuantity(construct: string, id: string, prop: string, value: string | undefined,
  examples: readonly string[] = ['500m', '1Gi', '2']): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseQuantity(value);
  const such = examples.map((e) => `"${e}"`).join(examples.length > 2 ? ', ' : ' or ').replace(/, ([^,]*)$/, ' or $1');
  check(parsed !== undefined && parsed > 0, construct, id, () =>
    `${prop} must be a positive Kubernetes quantity${examples.length ? ` such as ${such}` : ''}, got "${value}"`);
  return parsed;
}

export function checkImage(construct: string, id: string, prop: string, image: string): void {
  const why = unpinnedImage(image);
  check(why === undefined, construct, id, () => `${prop} ${why}`);
}
