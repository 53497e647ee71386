import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../props/errors';
import { unpinnedImage } from '../props/checks';

/**
 * The image of every app in one environment, from `releases/<env>.json`: a flat, sorted JSON object
 * (`{ "orders": "registry/orders:1.4.2" }`) that the pipeline's deploy step edits, one line per app.
 */
export class Releases {
  /** Reads `<dir>/<environment>.json`. */
  public static load(environment: string, dir: string = 'releases'): Releases {
    const file = path.join(dir, `${environment}.json`);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`Releases "${environment}": cannot read ${file}: ${(e as Error).message}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new ConfigError(`Releases "${environment}": ${file} must be a JSON object of app name to image`);
    }
    return new Releases(environment, file, data as Record<string, unknown>);
  }

  private readonly used = new Set<string>();

  private constructor(public readonly environment: string, private readonly file: string, private readonly images: Record<string, unknown>) {}

  /** The pinned image of `app`; throws when the file has none. */
  public image(app: string): string {
    const image = this.images[app];
    if (typeof image !== 'string') {
      throw new ConfigError(`Releases "${this.environment}": ${this.file} has no image for app "${app}": add "${app}": "<registry>/<repository>:<tag>"`);
    }
    const why = unpinnedImage(image);
    if (why) throw new ConfigError(`Releases "${this.environment}": ${this.file} "${app}": ${why}`);
    this.used.add(app);
    return image;
  }

  /** Apps listed in the file that no construct asked for (usually a typo or a removed app). */
  public unused(): string[] {
    return Object.keys(this.images).filter((a) => !this.used.has(a)).sort();
  }

  /** Throws when the file lists apps that were never asked for: the pipeline would deploy nothing. */
  public assertAllUsed(): void {
    const unused = this.unused();
    if (unused.length) {
      throw new ConfigError(`Releases "${this.environment}": ${this.file} lists apps that are not declared: ${unused.join(', ')}; remove them or declare the apps`);
    }
  }
}
