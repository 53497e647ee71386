import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as YAML from 'yaml';
import { PlatformApp } from './platform-app';

/**
 * Test helpers that see what lands in `dist/`: cdk8s' `Testing.synth(chart)` renders one chart
 * without what `PlatformApp` adds (sync waves, namespaces of cluster-scoped objects removed, the
 * validation gate, the order of objects in their file). These go through the same path as
 * `npm run synth`, without writing anything.
 */
export class PlatformTesting {
  /** A PlatformApp whose output folder is a fresh temporary folder (never `dist/`). */
  public static app(): PlatformApp {
    return new PlatformApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'platform-testing-')) });
  }

  /**
   * Every object as `dist/` would hold it, by file (`dev/orders.yaml` -> its documents, in file
   * order), read back from the exact YAML the synth writes. Throws the synth's own errors
   * (PropError, ValidationError...) when the platform is invalid.
   */
  public static synth(app: PlatformApp): Record<string, any[]> {
    // Loaded here: a synth does not need the YAML library (the emitter writes without it).
    const yaml: typeof YAML = require('yaml');
    const out: Record<string, any[]> = {};
    for (const [file, text] of app.files()) {
      if (!file.endsWith('.yaml')) continue;
      out[file] = yaml.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
    }
    return out;
  }

  /** The objects of one file of `synth()`, e.g. `PlatformTesting.objects(app, 'dev/orders.yaml')`. */
  public static objects(app: PlatformApp, file: string): any[] {
    const files = PlatformTesting.synth(app);
    if (!(file in files)) throw new Error(`no file ${file} in the output: it has ${Object.keys(files).join(', ')}`);
    return files[file];
  }

  /** The one object of a kind (and name) in the output; throws when there is not exactly one. */
  public static find(app: PlatformApp, kind: string, name?: string): any {
    const found = Object.values(PlatformTesting.synth(app)).flat().filter((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));
    if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` "${name}"` : ''} in the output, found ${found.length}`);
    return found[0];
  }
}
