import { Duration } from 'cdk8s';
import {
  check, checkImage, checkInt32, checkInteger, checkName, checkObjectName, checkPort, checkQuantity, checkRule, checkSeconds, imageVersion, isDnsLabel, isDnsSubdomain, parseImage, parseQuantity,
  PropError, showDuration, unpinnedImage,
} from '../../lib/props/checks';
import { PercentOrAbsolute } from 'cdk8s-plus-27';
import { checkPercentOrAbsolute } from '../../lib/props/checks';

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

test('checkRule throws nothing for no problems, else every problem joined, then the fix if any', () => {
  expect(() => checkRule('JavaApp', 'orders', 'host', [], 'use a DNS name')).not.toThrow();
  expectPropError(() => checkRule('JavaApp', 'orders', 'host', ['is too long', 'has a space']), 'JavaApp "orders": host is too long; has a space');
  expectPropError(() => checkRule('JavaApp', 'orders', 'host', ['has a space'], 'use a DNS name'), 'JavaApp "orders": host has a space: use a DNS name');
});

test('checkObjectName applies the name rule of the kind and names the prop and the value', () => {
  expect(() => checkObjectName('JavaApp', 'orders', 'configMapName', 'ConfigMap', 'orders.config')).not.toThrow();
  expectPropError(() => checkObjectName('JavaApp', 'orders', 'serviceName', 'Service', 'orders.v2'),
    'JavaApp "orders": serviceName "orders.v2" must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "my-name")');
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

  test.each<[number | undefined, boolean]>([[undefined, true], [0, true], [2 ** 40, true], [-1, false], [1.5, false], [NaN, false], [Infinity, false]])(
    'checkInteger(retryLimit, %p, no maximum): %s', (value, ok) => {
      const run = () => checkInteger('ArgoCdBootstrap', 'argocd', 'retryLimit', value, 0, Infinity);
      if (ok) expect(run).not.toThrow();
      else expectPropError(run, `ArgoCdBootstrap "argocd": retryLimit must be an integer of at least 0, got ${value}`);
    });

  test.each<[number | undefined, string | undefined]>([
    [undefined, undefined], [0, undefined], [2 ** 31 - 1, undefined],
    [2 ** 31, 'replicas must fit in a 32-bit integer (at most 2147483647), got 2147483648'], [-1, 'replicas must be an integer of at least 0, got -1'],
    [1.5, 'replicas must be an integer of at least 0, got 1.5'], [NaN, 'replicas must be an integer of at least 0, got NaN'],
  ])('checkInt32(replicas, %p, from 0): %s', (value, problem) => {
    const run = () => checkInt32('JavaApp', 'orders', 'replicas', value, 0);
    if (problem === undefined) expect(run).not.toThrow();
    else expectPropError(run, `JavaApp "orders": ${problem}`);
  });

  test.each<[number | undefined, boolean]>([[undefined, true], [1, true], [65535, true], [8080, true], [0, false], [65536, false], [-80, false], [80.5, false], [NaN, false]])(
    'checkPort(port, %p): %s', (value, ok) => {
      const run = () => checkPort('JavaApp', 'orders', 'servicePort', value);
      if (ok) expect(run).not.toThrow();
      else expectPropError(run, `JavaApp "orders": servicePort must be 1-65535, got ${value}`);
    });
});

describe('durations', () => {
  test.each<[string, () => Duration, string]>([
    ['0', () => Duration.millis(0), '0s'],
    ['1 ms', () => Duration.millis(1), '1ms'],
    ['1.5 s', () => Duration.millis(1500), '1500ms'],
    ['half a millisecond', () => Duration.millis(0.5), '0.5ms'],
    ['1 s', () => Duration.millis(1000), '1s'],
    ['59 s', () => Duration.seconds(59), '59s'],
    ['60 s', () => Duration.seconds(60), '1m'],
    ['61 s', () => Duration.seconds(61), '61s'],
    ['90 s', () => Duration.seconds(90), '90s'],
    ['5 min', () => Duration.minutes(5), '5m'],
    ['61 min', () => Duration.minutes(61), '61m'],
    ['1 h', () => Duration.seconds(3600), '1h'],
    ['2 h', () => Duration.hours(2), '2h'],
    ['1 day', () => Duration.days(1), '24h'],
    ['3601 s', () => Duration.seconds(3601), '3601s'],
  ])('showDuration(%s) is %j', (_case, d, shown) => {
    expect(showDuration(d())).toBe(shown);
  });

  /** checkSeconds of periodSeconds within 1-3600 seconds. */
  const period = (value: Duration | undefined) => checkSeconds('JavaApp', 'orders', 'periodSeconds', value, 1, 3600);
  const refused = (got: string) => `JavaApp "orders": periodSeconds must be a whole number of seconds from 1s to 1h, got ${got}`;

  test.each<[string, () => Duration, number]>([
    ['the minimum', () => Duration.seconds(1), 1],
    ['the maximum', () => Duration.hours(1), 3600],
    ['a whole number of seconds in between', () => Duration.minutes(5), 300],
    ['whole seconds given as milliseconds', () => Duration.millis(2000), 2],
  ])('checkSeconds accepts %s and returns its seconds', (_case, d, seconds) => {
    expect(period(d())).toBe(seconds);
  });

  test('checkSeconds accepts no value', () => {
    expect(period(undefined)).toBeUndefined();
  });

  test.each<[string, () => Duration, string]>([
    ['just below the minimum', () => Duration.millis(999), '999ms'],
    ['zero', () => Duration.seconds(0), '0s'],
    ['half a second', () => Duration.seconds(0.5), '500ms'],
    ['just above the maximum', () => Duration.seconds(3601), '3601s'],
    ['a millisecond above the maximum', () => Duration.millis(3600 * 1000 + 1), '3600001ms'],
    ['well above the maximum', () => Duration.hours(2), '2h'],
    ['fractional seconds', () => Duration.millis(1500), '1500ms'],
    ['a fraction of a millisecond', () => Duration.millis(1000.5), '1000.5ms'],
  ])('checkSeconds refuses %s, naming the range and the value', (_case, d, got) => {
    expectPropError(() => period(d()), refused(got));
  });

  test('checkSeconds names a range of any unit, and a minimum of 0 as 0s', () => {
    expect(checkSeconds('AnalysisTemplate', 'rate', 'interval', Duration.seconds(0), 0, 120)).toBe(0);
    expect(checkSeconds('AnalysisTemplate', 'rate', 'interval', Duration.seconds(120), 0, 120)).toBe(120);
    expectPropError(() => checkSeconds('AnalysisTemplate', 'rate', 'interval', Duration.seconds(121), 0, 120),
      'AnalysisTemplate "rate": interval must be a whole number of seconds from 0s to 2m, got 121s');
    expectPropError(() => checkSeconds('Job', 'j', 'activeDeadline', Duration.seconds(29), 30, 90),
      'Job "j": activeDeadline must be a whole number of seconds from 30s to 90s, got 29s');
  });

  test('checkSeconds without a maximum names only the minimum', () => {
    expect(checkSeconds('HealthProbe', 'p', 'period', Duration.days(30), 1)).toBe(30 * 86400);
    expectPropError(() => checkSeconds('HealthProbe', 'p', 'period', Duration.millis(500), 1),
      'HealthProbe "p": period must be a whole number of seconds of at least 1s, got 500ms');
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
