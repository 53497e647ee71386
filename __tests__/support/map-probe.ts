// Run with `node --allow-natives-syntax`: declares one Chart per app, each holding a construct named
// after its app, then prints whether two objects built key by key afterwards still share V8's map.
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformApp } from '../../lib';

const [kind, countArg] = process.argv.slice(2);
const app = kind === 'platform' ? new PlatformApp({ outdir: 'unused' }) : new App({ outdir: 'unused' });
for (let i = 0; i < Number(countArg); i++) {
  const name = `svc-${i}`;
  new Construct(new Chart(app, name), name);
}

function keyByKey(): object {
  const o: Record<string, number> = {};
  o['a-key-no-table-has-used'] = 1;
  return o;
}
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
process.stdout.write(String(haveSameMap(keyByKey(), keyByKey())));
