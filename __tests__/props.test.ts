import {
  check, checkImage, checkInteger, checkName, checkPort, checkQuantity, imageVersion, isDnsLabel, isDnsSubdomain, parseImage, parseQuantity,
  PropError, unpinnedImage,
} from '../lib/props';
import { PercentOrAbsolute } from 'cdk8s-plus-27';
import { checkPercentOrAbsolute } from '../lib/props';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The error `fn` throws: a PropError with exactly `message` (construct, id, prop and value included). */
function expectPropError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(PropError);
  expect((thrown as Error).name).toBe('PropError');
  expect((thrown as Error).message).toBe(message);
}

test('PropError names the construct and its id', () => {
  const e = new PropError('JavaApp', 'orders', 'port must be 1-65535, got 0');
  expect(e).toBeInstanceOf(Error);
  expect(e.message).toBe('JavaApp "orders": port must be 1-65535, got 0');
  expect(e.name).toBe('PropError');
});

test('check builds the message only when it fails', () => {
  const message = jest.fn(() => 'bad');
  check(true, 'C', 'i', message);
  expect(message).not.toHaveBeenCalled();
  expectPropError(() => check(false, 'C', 'i', message), 'C "i": bad');
});

describe('DNS names', () => {
  test.each<[string, boolean]>([
    ['a', true], ['orders', true], ['orders-v2', true], ['0a', true], ['a0', true], ['a--b', true], ['x'.repeat(63), true],
    ['x'.repeat(64), false], ['', false], ['-a', false], ['a-', false], ['Orders', false], ['a_b', false], ['a.b', false], ['a b', false],
  ])('label %j: %s', (name, ok) => {
    expect(isDnsLabel(name)).toBe(ok);
  });

  test.each<[string, boolean]>([
    ['a', true], ['a.b', true], ['orders.example.com', true], ['a-1.b-2', true], [`${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(61)}`, true],
    [`${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(62)}`, false], ['', false], ['.a', false], ['a.', false], ['a..b', false],
    ['a-.b', false], ['a.-b', false], ['A.b', false], ['a_b.c', false],
  ])('subdomain %j: %s', (name, ok) => {
    expect(isDnsSubdomain(name)).toBe(ok);
  });

  test('checkName accepts a label and names the prop and the value otherwise', () => {
    expect(() => checkName('JavaApp', 'orders', 'name', 'orders')).not.toThrow();
    expectPropError(() => checkName('JavaApp', 'Orders', 'name (the construct id)', 'Orders'),
      'JavaApp "Orders": name (the construct id) must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters), got "Orders"');
  });
});

describe('numbers', () => {
  test.each<[number | undefined, boolean]>([[undefined, true], [0, true], [1000, true], [500, true], [-1, false], [1001, false], [1.5, false], [NaN, false], [Infinity, false]])(
    'checkInteger(replicas, %p, 0-1000): %s', (value, ok) => {
      const run = () => checkInteger('JavaApp', 'orders', 'replicas', value, 0, 1000);
      if (ok) expect(run).not.toThrow();
      else expectPropError(run, `JavaApp "orders": replicas must be an integer 0-1000, got ${value}`);
    });

  test.each<[number | undefined, boolean]>([[undefined, true], [1, true], [65535, true], [8080, true], [0, false], [65536, false], [-80, false], [80.5, false], [NaN, false]])(
    'checkPort(port, %p): %s', (value, ok) => {
      const run = () => checkPort('JavaApp', 'orders', 'servicePort', value);
      if (ok) expect(run).not.toThrow();
      else expectPropError(run, `JavaApp "orders": servicePort must be 1-65535, got ${value}`);
    });
});

describe('quantities', () => {
  test.each<[string, number]>([
    ['2', 2], ['0', 0], ['+1', 1], ['-1', -1], ['1.5', 1.5], ['.5', 0.5], ['1.', 1], ['007', 7],
    ['500m', 0.5], ['250u', 250e-6], ['3n', 3e-9], ['2k', 2000], ['2M', 2e6], ['2G', 2e9], ['2T', 2e12], ['2P', 2e15], ['2E', 2e18],
    ['1Ki', 1024], ['1Mi', 2 ** 20], ['1Gi', 2 ** 30], ['1Ti', 2 ** 40], ['1Pi', 2 ** 50], ['1Ei', 2 ** 60], ['1.5Gi', 1.5 * 2 ** 30],
    ['1e3', 1000], ['1E3', 1000], ['5e-3', 0.005], ['2e+2', 200], ['1e12', 1e12], ['12.5', 12.5], ['.25', 0.25], ['10.25Mi', 10.25 * 2 ** 20],
  ])('%s is %d', (q, value) => {
    expect(parseQuantity(q)).toBeCloseTo(value, 12);
  });

  test.each(['', 'lots', '1GB', '1gi', '1 Gi', 'Gi', 'm', '1.2.3', '.', '+', '1e', '1Mi ', ' 1', '1KiB', '--1', '1e3m', 'e3'])('%j is not a quantity', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });

  test('checkQuantity returns the value, and refuses zero, negatives and non-quantities with the prop name', () => {
    expect(checkQuantity('JavaApp', 'orders', 'memoryLimit', undefined)).toBeUndefined();
    expect(checkQuantity('JavaApp', 'orders', 'memoryLimit', '1Gi')).toBe(2 ** 30);
    expect(checkQuantity('JavaApp', 'orders', 'cpuRequest', '1m')).toBeCloseTo(0.001, 12);
    for (const bad of ['0', '-1Gi', '1GB', '0m']) {
      expectPropError(() => checkQuantity('JavaApp', 'orders', 'memoryLimit', bad),
        `JavaApp "orders": memoryLimit must be a positive Kubernetes quantity such as "500m", "1Gi" or "2", got "${bad}"`);
    }
  });
});

describe('counts or percentages', () => {
  test.each<[string, PercentOrAbsolute, boolean, number | string]>([
    ['a count of 0', PercentOrAbsolute.absolute(0), true, 0],
    ['a count', PercentOrAbsolute.absolute(3), true, 3],
    ['100% where capped', PercentOrAbsolute.percent(100), true, '100%'],
    ['150% where not capped', PercentOrAbsolute.percent(150), false, '150%'],
  ])('accepts %s and returns the field value', (_case, value, max100, field) => {
    expect(checkPercentOrAbsolute('C', 'i', 'maxSurge', value, max100)).toBe(field);
  });

  test.each<[string, PercentOrAbsolute, boolean, string]>([
    ['a negative count', PercentOrAbsolute.absolute(-1), false, 'C "i": maxSurge must be greater than or equal to 0, got -1'],
    ['a fractional count', PercentOrAbsolute.absolute(0.5), false, 'C "i": maxSurge must be a count or a percentage such as 1 or "25%", got 0.5'],
    ['a fractional percentage', PercentOrAbsolute.percent(12.5), false, 'C "i": maxSurge must be a count or a percentage such as 1 or "25%", got "12.5%"'],
    ['101% where capped', PercentOrAbsolute.percent(101), true, 'C "i": maxSurge must not be greater than 100%, got "101%"'],
  ])('refuses %s', (_case, value, max100, message) => {
    expectPropError(() => checkPercentOrAbsolute('C', 'i', 'maxSurge', value, max100), message);
  });
});

describe('images', () => {
  test.each<[string, { repository: string; tag?: string; digest?: string }]>([
    ['ghcr.io/acme/orders:1.4.2', { repository: 'ghcr.io/acme/orders', tag: '1.4.2', digest: undefined }],
    ['orders', { repository: 'orders', tag: undefined, digest: undefined }],
    ['registry:5000/orders', { repository: 'registry:5000/orders', tag: undefined, digest: undefined }],
    ['registry:5000/orders:2', { repository: 'registry:5000/orders', tag: '2', digest: undefined }],
    [`orders@${DIGEST}`, { repository: 'orders', tag: undefined, digest: DIGEST }],
    [`registry:5000/orders:2@${DIGEST}`, { repository: 'registry:5000/orders', tag: '2', digest: DIGEST }],
  ])('parseImage(%s)', (image, parts) => {
    expect(parseImage(image)).toEqual(parts);
  });

  test.each<[string, string | undefined]>([
    ['ghcr.io/acme/orders:1.4.2', undefined],
    ['orders:V1_rc.2-x', undefined],
    [`orders:${'t'.repeat(128)}`, undefined],
    [`orders@${DIGEST}`, undefined],
    [`orders:latest@${DIGEST}`, undefined],
    ['registry.local:5000/team/orders:2', undefined],
    ['a.b-c_d/e__f/g:1', undefined],
    ['orders', '"orders" has no tag: pin a version tag or a digest'],
    ['registry:5000/orders', '"registry:5000/orders" has no tag: pin a version tag or a digest'],
    ['orders:latest', '"orders:latest" uses the tag latest: pin a version tag or a digest'],
    [`orders:${'t'.repeat(129)}`, `"orders:${'t'.repeat(129)}" is not a valid image reference`],
    ['orders:.1', '"orders:.1" is not a valid image reference'],
    ['Orders:1', '"Orders:1" is not a valid image reference'],
    ['or ders:1', '"or ders:1" is not a valid image reference'],
    ['a..b/c:1', '"a..b/c:1" is not a valid image reference'],
    ['/orders:1', '"/orders:1" is not a valid image reference'],
    ['orders/:1', '"orders/:1" is not a valid image reference'],
    [`orders@sha256:${'a'.repeat(63)}`, `"orders@sha256:${'a'.repeat(63)}" is not a valid image reference`],
    [`orders@sha256:${'A'.repeat(64)}`, `"orders@sha256:${'A'.repeat(64)}" is not a valid image reference`],
    ['', '"" is not a valid image reference'],
  ])('unpinnedImage(%j)', (image, why) => {
    expect(unpinnedImage(image)).toBe(why);
  });

  test('checkImage names the prop', () => {
    expect(() => checkImage('JavaApp', 'orders', 'image', 'ghcr.io/acme/orders:1.0')).not.toThrow();
    expectPropError(() => checkImage('JavaApp', 'orders', 'image', 'ghcr.io/acme/orders'), 'JavaApp "orders": image "ghcr.io/acme/orders" has no tag: pin a version tag or a digest');
  });

  test.each<[string, string]>([
    ['ghcr.io/acme/orders:1.4.2', '1.4.2'],
    [`ghcr.io/acme/orders@${DIGEST}`, '0123456789ab'],
    [`ghcr.io/acme/orders:2.0@${DIGEST}`, '2.0'],
    ['ghcr.io/acme/orders', 'unknown'],
    [`orders:${'v'.repeat(70)}`, 'v'.repeat(63)],
    ['orders:1.0+build', '1.0-build'],
    ['orders:_.x-1._', 'x-1'],
    [`orders:${'v'.repeat(62)}.x`, 'v'.repeat(62)],
  ])('imageVersion(%s) is %j', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});
