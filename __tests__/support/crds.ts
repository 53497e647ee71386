import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/**
 * The documents of the upstream CRD files in a fixture folder. Parsing the Gateway API CRDs takes
 * about half a second, which mutation testing would pay for every mutant: the parsed documents are
 * kept as JSON in node_modules/.cache/fixtures/, keyed by the files' content.
 */
export function loadCrds(dir: string): any[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const texts = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  const hash = crypto.createHash('sha1');
  for (const t of texts) hash.update(t).update('\0');
  const cache = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'fixtures', `${hash.digest('hex').slice(0, 16)}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, 'utf8'));
  const docs = texts.flatMap((t) => YAML.parseAllDocuments(t).map((d) => d.toJSON()));
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  fs.writeFileSync(`${cache}.${process.pid}`, JSON.stringify(docs));
  fs.renameSync(`${cache}.${process.pid}`, cache);
  return docs;
}
