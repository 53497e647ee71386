'use strict';
// `node -r bin/ts-register-hook.js file.ts`: loads TypeScript through the cached esbuild hook.
require('./ts-register').register();
