import { rememberValid } from './names';

/**
 * Environment variable names, data keys, ports and port names (apimachinery pkg/util/validation,
 * Kubernetes 1.27). Each returns what is wrong, empty when the value is valid.
 */

/** hasChDirPrefix: "." and ".." (and names starting with "..") would escape a mounted directory. */
function chDirPrefix(value: string): string[] {
  if (value === '.') return ['must not be \'.\''];
  if (value === '..') return ['must not be \'..\''];
  if (value.startsWith('..')) return ['must not start with \'..\''];
  return [];
}

/** IsEnvVarName: letters, digits, '_', '-' and '.', not starting with a digit. */
export const envVarName = rememberValid((value: string): string[] => {
  if (value === '') return ['must not be empty'];
  const errs = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value) ? [] : ['must consist of letters, digits, \'_\', \'-\' or \'.\', and must not start with a digit (e.g. "MY_ENV.NAME")'];
  return [...errs, ...chDirPrefix(value)];
});

/** IsConfigMapKey (keys of ConfigMaps and Secrets, configMapKeyRef/secretKeyRef keys): at most 253 of letters, digits, '-', '_' and '.'. */
export function configMapKey(value: string): string[] {
  if (value === '') return ['must not be empty'];
  const errs: string[] = [];
  if (value.length > 253) errs.push(`must be no more than 253 characters (got ${value.length})`);
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) errs.push('must consist of letters, digits, \'-\', \'_\' or \'.\' (e.g. "password" or "db.password"; no \'/\')');
  return [...errs, ...chDirPrefix(value)];
}

/** IsValidPortNum: an integer 1-65535. */
export function portNumber(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : [`must be an integer between 1 and 65535, got ${value}`];
}

/** IsValidPortName (IANA_SVC_NAME): at most 15 of [-a-z0-9], at least one letter, no '--', no '-' at either end. */
export function portName(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 15) errs.push(`must be no more than 15 characters (got ${value.length})`);
  if (!/^[-a-z0-9]+$/.test(value)) errs.push('must contain only lowercase letters, digits and \'-\'');
  if (!/[a-z]/.test(value)) errs.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errs.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** ValidatePortNumOrName: a port number, or a port name (IntOrString fields such as probe and Service target ports). */
export function portNumberOrName(value: number | string): string[] {
  if (typeof value === 'number') return portNumber(value);
  if (/^\d+$/.test(value)) return [`a port given as a string must be a name, got "${value}": write the number without quotes`];
  return portName(value);
}
