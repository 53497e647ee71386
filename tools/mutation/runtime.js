/**
 * Jest's runtime, keeping V8's code cache of every module it compiles. Jest gives each test file a
 * fresh module registry and compiles every module again, its own (expect, jest-circus) and cdk8s
 * included: some 300 per gate test file. A mutation run loads the same files thousands of times
 * with the same (instrumented) sources, so the second compilation of a module reuses the first's
 * code cache, which V8 checks against the source and refuses if it changed.
 *
 * It wraps jest-runtime's ModuleExecutor.compile (jest 30); if that is not there, jest compiles as
 * it always does and only the saving is lost.
 */
const Runtime = require('jest-runtime').default;
const { compileFunction } = require('vm');

/** filename → the source compiled and V8's code cache for it, kept for the test runner process. */
const codeCache = new Map();

class CodeCachingRuntime extends Runtime {
  /** How many compilations reused a code cache in this process. */
  static reused = 0;

  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) return;
    const compile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      const vmContext = executor.environment.getVmContext();
      if (!vmContext || executor.resolution.isCoreModule(filename)) return compile(source, filename);
      const cached = codeCache.get(filename);
      if (cached && cached.source !== source) return compile(source, filename);
      let fn;
      try {
        fn = compileFunction(source, executor.injectedModuleParameters, {
          filename,
          parsingContext: vmContext,
          ...(cached ? { cachedData: cached.data } : { produceCachedData: true }),
          importModuleDynamically: (specifier, _fn, attributes, ...rest) => executor.dynamicImport(specifier, filename, vmContext, attributes, rest[0]),
        });
      } catch {
        return compile(source, filename); // jest's own handling of syntax errors
      }
      if (!cached && fn.cachedData) codeCache.set(filename, { source, data: fn.cachedData });
      if (cached && !fn.cachedDataRejected) CodeCachingRuntime.reused++;
      return fn;
    };
  }
}

module.exports = CodeCachingRuntime;
