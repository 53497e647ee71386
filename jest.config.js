/** Tests are transpiled with swc for speed; `npm test` type-checks with tsc first. */
module.exports = {
  testEnvironment: 'node',
  // lib/ is a root too so that `jest --findRelatedTests lib/x.ts` (used by mutation testing) sees the
  // sources; tests themselves are only looked for in __tests__.
  roots: ['<rootDir>/lib', '<rootDir>/__tests__'],
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Installs the Debian packages the tests need when missing (tools/test-tools/), else names the command.
  globalSetup: '<rootDir>/bin/test-setup.js',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
