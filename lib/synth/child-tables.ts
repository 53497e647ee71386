import { Node } from 'constructs';

const INSTALLED = Symbol.for('platform.dictionaryChildTables');

/**
 * Makes every construct created from now on keep its children in a dictionary-mode table.
 *
 * Why: `constructs` stores a construct's children in a plain `{}` created when the first child is
 * added, keyed by the child's id. With one Chart per app, thousands of those tables start with a
 * distinct key (the app's name). V8 lets the shared map of `{}` record only about 1,500 such
 * transitions; past that, every object the process builds key by key (cdk8s' rendering, the YAML
 * library) gets a map of its own. Synth then runs 3-5x slower and its memory more than doubles,
 * from 1,500 apps on. A table with a null prototype is a dictionary from the start and adds no
 * transitions. Idempotent; the tables behave as before (`in`, `delete`, `Object.values`).
 */
export function useDictionaryChildTables(): void {
  const proto = Node.prototype as any;
  if (proto[INSTALLED] || typeof proto.addChild !== 'function') return;
  const addChild = proto.addChild;
  proto.addChild = function addChildToDictionary(this: any, child: unknown, childName: string) {
    if (this._children === undefined) this._children = Object.create(null);
    return addChild.call(this, child, childName);
  };
  Object.defineProperty(proto, INSTALLED, { value: true });
}
