/**
 * Plaintext credentials: the platform's policy that no secret reaches `dist/` (Git). One definition
 * for JavaApp, the validation gate, the pipeline and the Argo CD bootstrap.
 */

/** Environment variable names that say they hold a secret. */
export const SECRET_LOOKING_NAME = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIALS?|API_KEY)$/i;

export function secretLookingName(name: string): boolean {
  return SECRET_LOOKING_NAME.test(name);
}

/** Known token formats, by what they are (the prefixes their issuers document). */
const TOKEN_FORMATS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[sr]k_(live|test)_[A-Za-z0-9]{10,}/, 'a Stripe secret key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}/, 'a GitHub fine-grained token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab personal access token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}/, 'a Google API key'],
  [/\bnpm_[A-Za-z0-9]{36}/, 'an npm token'],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, 'a SendGrid API key'],
  [/-----BEGIN ([A-Z]+ )*PRIVATE KEY-----/, 'a PEM private key'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/, 'a JSON Web Token'],
];

/** A value that stands for a secret supplied elsewhere: `${VAR}`, `$(VAR)`, `{{...}}`. */
const PLACEHOLDER = /^(\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\})$/;

/**
 * The user information of a URL (`scheme://user[:password]@host`), also inside a JDBC URL
 * (`jdbc:postgresql://user:pass@db/app`); undefined when there is none.
 */
export function urlUserinfo(value: string): { user: string; password?: string } | undefined {
  const m = /[a-z][a-z0-9+.-]*:\/\/([^/\s?#@]*)@/i.exec(value);
  if (!m) return undefined;
  const [user, ...rest] = m[1].split(':');
  return { user, password: rest.length ? rest.join(':') : undefined };
}

/**
 * A repository URL that carries credentials (a token or user:password before '@'); `ssh://git@`
 * names the SSH user, not a secret.
 */
export function urlCarriesCredentials(url: string): boolean {
  const info = urlUserinfo(url);
  return info !== undefined && !(/^ssh:\/\//i.test(url) && info.user === 'git' && info.password === undefined);
}

/**
 * What literal credential a value holds, or undefined: a known token format, a password in a URL
 * (`scheme://user:pass@`, JDBC URLs included) or in a JDBC/ODBC `password=` parameter, a PEM
 * private key, a JWT (bearer or not). Whatever the variable is called.
 */
export function literalCredential(value: string): string | undefined {
  for (const [pattern, what] of TOKEN_FORMATS) if (pattern.test(value)) return what;
  const info = urlUserinfo(value);
  if (info?.password !== undefined && info.password !== '' && !PLACEHOLDER.test(info.password)) return 'a password in a URL (user:password@)';
  const param = /[?&;:](password|pwd)=([^&;\s]+)/i.exec(value);
  if (param && !PLACEHOLDER.test(param[2])) return `a password in a connection string (${param[1]}=)`;
  return undefined;
}
