/**
 * Plaintext credentials: the platform's policy that no secret reaches `dist/` (Git). One definition
 * for JavaApp, the validation gate, the pipeline and the Argo CD bootstrap.
 */

/**
 * Words that make a variable name say it holds a secret, as secret scanners define them: the keywords
 * of gitleaks' `generic-api-key` rule (v8.30.0 cmd/generate/config/rules/generic.go: access, api, auth,
 * key, credential, creds, passwd, password, secret, token) and detect-secrets' KeywordDetector
 * (v1.5.0 detect_secrets/plugins/keyword.py DENYLIST: api_?key, auth_?key, priv_?key, private_?key,
 * client_?key, db_?pass, key_?pass, password, passwd, pwd, secret). Single words match a word of the
 * name; the longer ones also end a word ("DBPASSWORD"); `access`, `api` and `key` count only in pairs
 * (`API_KEY`, `ACCESS_KEY`), as alone they name far more than secrets.
 */
export const SECRET_WORDS: readonly string[] = ['password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'apikey', 'credential', 'credentials', 'creds', 'auth'];
/** Pairs of words that say the same (`API_KEY`, `apiKey`, `AWS_ACCESS_KEY`, `PRIVATE_KEY`, `CLIENT_SECRET`). */
export const SECRET_WORD_PAIRS: ReadonlyArray<readonly [string, string]> = [['api', 'key'], ['access', 'key'], ['private', 'key'], ['priv', 'key'], ['client', 'secret'], ['client', 'key'], ['auth', 'key']];
/**
 * The last words of a name that hold where or how a secret is found, not the secret: the false
 * positives the scanners accept (gitleaks' allowlist of that rule: `(api|credentials|token)_(endpoint|url|uri)`,
 * `(key|token)_file`, `secret_(length|name|size)`, `access_id`, `credentials_id`, `api_(id|name|version)`)
 * and their like (`PASSWORD_PATH`, `AUTH_ENABLED`, `TOKEN_TTL`, `AUTH_SERVER`).
 */
export const NOT_SECRET_LAST_WORDS: readonly string[] = [
  'url', 'uri', 'path', 'file', 'dir', 'endpoint', 'host', 'port', 'server', 'provider', 'enabled', 'disabled',
  'name', 'id', 'length', 'size', 'version', 'type', 'mode', 'method', 'scheme', 'timeout', 'ttl',
];

/**
 * The words of a variable name, lowercase: split on `_`, `-`, `.` and camelCase (`dbPassword`,
 * `APIKey`), trailing digits dropped (`PASSWORD2`).
 */
export function nameWords(name: string): string[] {
  return name
    .split(/[_\-.]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
    .map((w) => w.toLowerCase().replace(/\d+$/, ''))
    .filter((w) => w !== '');
}

/** The scanners' word (or pair, e.g. "api key") that makes `name` look like a secret, or undefined. */
export function secretWordOf(name: string): string | undefined {
  const words = nameWords(name);
  if (words.length === 0 || NOT_SECRET_LAST_WORDS.includes(words[words.length - 1])) return undefined;
  for (const [i, w] of words.entries()) {
    const single = SECRET_WORDS.find((k) => w === k || (k.length >= 5 && w.endsWith(k)));
    if (single) return single;
    const pair = SECRET_WORD_PAIRS.find(([a, b]) => w === a && words[i + 1] === b);
    if (pair) return pair.join(' ');
  }
  return undefined;
}

/** The variable name says it holds a secret (see secretWordOf). */
export function secretLookingName(name: string): boolean {
  return secretWordOf(name) !== undefined;
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
