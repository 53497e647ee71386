import * as fs from 'fs';
import * as path from 'path';
import { Environment, JavaApp, PlatformApp } from '../../lib';
import { tempDir } from '../support/platform';

/** How PlatformApp.synth() replaces its output folder. */
describe('PlatformApp output folder', () => {
  const build = (outdir: string, image: string) => {
    const app = new PlatformApp({ outdir });
    new JavaApp(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image });
    return app;
  };
  /** Every file and folder under `dir` with its inode and modification time. */
  const stamps = (dir: string) => Object.fromEntries((fs.readdirSync(dir, { recursive: true }) as string[]).sort()
    .map((f) => [f, `${fs.statSync(path.join(dir, f)).ino}@${fs.statSync(path.join(dir, f)).mtimeMs}`]));

  test('a synth that changes nothing writes nothing; one that changes a file replaces the folder', () => {
    const outdir = tempDir();
    build(outdir, 'ghcr.io/acme/orders:1.0.0').synth();
    const first = stamps(outdir);
    const folder = fs.statSync(outdir).ino;
    build(outdir, 'ghcr.io/acme/orders:1.0.0').synth();
    expect(stamps(outdir)).toEqual(first);
    expect(fs.statSync(outdir).ino).toBe(folder);
    build(outdir, 'ghcr.io/acme/orders:1.1.0').synth();
    expect(fs.statSync(outdir).ino).not.toBe(folder);
    expect(fs.readFileSync(path.join(outdir, 'dev', 'orders.yaml'), 'utf8')).toContain('ghcr.io/acme/orders:1.1.0');
  });

  test('a file the synth does not write (left there by hand) makes it replace the folder, which removes it', () => {
    const outdir = tempDir();
    build(outdir, 'ghcr.io/acme/orders:1.0.0').synth();
    fs.writeFileSync(path.join(outdir, 'dev', 'stray.yaml'), 'kind: ConfigMap\n');
    build(outdir, 'ghcr.io/acme/orders:1.0.0').synth();
    expect(fs.existsSync(path.join(outdir, 'dev', 'stray.yaml'))).toBe(false);
  });
});
