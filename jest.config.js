/** Tests are transpiled with swc for speed; `npm test` type-checks with tsc first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
