'use strict';
// jest's global setup (jest.config.js): the Debian packages the tests need (tools/test-tools/packages)
// are installed when missing, as root (or with sudo -n) where apt-get exists, so `npm test` passes on
// a fresh Debian machine with nothing installed by hand. Elsewhere it prints the exact install
// command, and each test that needs a missing tool names it again. TEST_TOOLS=check only checks.
const { spawnSync } = require('child_process');
const path = require('path');

module.exports = async function testSetup() {
  const script = path.join(__dirname, '..', 'tools', 'test-tools', 'install.sh');
  const args = process.env.TEST_TOOLS === 'check' ? [] : ['--install'];
  // Its messages go to the terminal as they come: an install takes a minute or two on a fresh machine.
  spawnSync('bash', [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
};
