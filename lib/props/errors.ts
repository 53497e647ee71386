/**
 * Errors of the project's own API that are not about one construct's props (those are `PropError`):
 * a factory's options (`HealthProbe.httpGet`), an environment (two apps of one name), a releases
 * file. The synth runner recognises it by type and prints its message alone, with the user's line.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
