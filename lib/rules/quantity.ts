/**
 * Quantities, integer ranges and int-or-percent values (apimachinery resource.ParseQuantity,
 * pkg/apis/core/validation ValidateNonnegativeField, apps/validation ValidatePositiveIntOrPercent
 * and IsNotMoreThan100Percent).
 */

const QUANTITY = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** The value of a Kubernetes quantity ("500m", "1Gi", "2"), or undefined when it is not one (resource.ParseQuantity). */
export function parseQuantity(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return undefined;
  const suffix = m[2] ?? '';
  const value = Number(m[1]);
  // An exponent (e3, E-3), not the suffixes E (exa) and Ei (exbi), which also start with E.
  if (/^[eE][+-]?\d+$/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  return value * SUFFIX[suffix];
}

/** A quantity that is positive (requests, limits, sizes). */
export function positiveQuantity(value: string): string[] {
  const parsed = parseQuantity(value);
  return parsed !== undefined && parsed > 0 ? [] : [`must be a positive Kubernetes quantity such as "500m", "1Gi" or "2", got "${value}"`];
}

export const INT32_MAX = 2 ** 31 - 1;
export const INT32_MIN = -(2 ** 31);
/** JSON numbers beyond 2^53 lose precision; the int64 bound is checked as far as a double can tell. */
export const INT64_MAX = 2 ** 63 - 1;
export const INT64_MIN = -(2 ** 63);

/** The OpenAPI `format` of an integer field: int32 fields given 3,000,000,000 are refused when decoded. */
export function integerFormat(value: number, format: string | undefined): string[] {
  if (format === 'int32' && (value > INT32_MAX || value < INT32_MIN)) return [`must fit in a 32-bit integer (${INT32_MIN} to ${INT32_MAX}), got ${value}`];
  if (format === 'int64' && (value > INT64_MAX || value < INT64_MIN)) return [`must fit in a 64-bit integer, got ${value}`];
  return [];
}

/** ValidateNonnegativeField. */
export function nonNegative(value: number): string[] {
  return value >= 0 ? [] : [`must be greater than or equal to 0, got ${value}`];
}

/** An IntOrString as a count or a percentage: `{ percent }` for "25%", `{ count }` for 3, undefined when neither. */
export function intOrPercent(value: number | string, numericStrings = false): { count?: number; percent?: number } | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? { count: value } : undefined;
  if (numericStrings && /^\d+$/.test(value)) return { count: Number(value) };
  const m = /^([0-9]+)%$/.exec(value);
  if (m) return { percent: Number(m[1]) };
  return undefined;
}

/**
 * ValidatePositiveIntOrPercent (a count >= 0 or a percentage "N%"), plus IsNotMoreThan100Percent
 * when `max100` (maxUnavailable of a Deployment, both fields of a PodDisruptionBudget).
 * `numericStrings`: "3" counts as 3, as Argo Rollouts' getIntOrPercentValue reads it (the API
 * server's own fields refuse it).
 */
export function countOrPercent(value: number | string, max100: boolean, numericStrings = false): string[] {
  const v = intOrPercent(value, numericStrings);
  if (!v) {
    return [typeof value === 'string' && /^\d+$/.test(value)
      ? `must be a count (a number, not the string "${value}") or a percentage such as "25%"`
      : `must be a count or a percentage such as 1 or "25%", got ${JSON.stringify(value)}`];
  }
  if (v.count !== undefined && v.count < 0) return [`must be greater than or equal to 0, got ${value}`];
  if (max100 && v.percent !== undefined && v.percent > 100) return [`must not be greater than 100%, got "${value}"`];
  return [];
}

/** The count or percentage is zero (0 or "0%"). */
export function isZeroCountOrPercent(value: number | string): boolean {
  const v = intOrPercent(value, true);
  return v !== undefined && (v.count === 0 || v.percent === 0);
}
