import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ConfigError, HealthProbe } from '../../lib';

describe('HealthProbe', () => {
  test('times are given as Durations and written as whole seconds', () => {
    const probe = HealthProbe.httpGet('/ready', { period: Duration.seconds(5), timeout: Duration.seconds(2), initialDelay: Duration.minutes(1), failureThreshold: 4 });
    expect(k8s.toJson_Probe(probe.toKube(8080))).toEqual({
      httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 60, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 4,
    });
  });

  test('defaults: every 10s, 3s to answer, 3 failures, no initial delay', () => {
    expect(k8s.toJson_Probe(HealthProbe.tcpSocket({ port: 9090 }).toKube(8080))).toEqual({
      tcpSocket: { port: 9090 }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3,
    });
  });

  test.each<[string, Parameters<typeof HealthProbe.httpGet>[1]]>([
    ['period of 1s', { period: Duration.seconds(1) }],
    ['timeout of 1s', { timeout: Duration.seconds(1) }],
    ['initial delay of 0s', { initialDelay: Duration.seconds(0) }],
    ['one failure', { failureThreshold: 1 }],
  ])('accepts the boundary: %s', (_case, options) => {
    expect(() => HealthProbe.httpGet('/ready', options)).not.toThrow();
  });

  test.each<[string, Parameters<typeof HealthProbe.httpGet>[1], string]>([
    ['period of 0s', { period: Duration.seconds(0) }, 'HealthProbe: period must be a whole number of seconds of at least 1s, got 0s'],
    ['period in milliseconds', { period: Duration.millis(2500) }, 'HealthProbe: period must be a whole number of seconds of at least 1s, got 2500ms'],
    ['timeout of 0s', { timeout: Duration.seconds(0) }, 'HealthProbe: timeout must be a whole number of seconds of at least 1s, got 0s'],
    ['initial delay in milliseconds', { initialDelay: Duration.millis(500) }, 'HealthProbe: initialDelay must be a whole number of seconds of at least 0s, got 500ms'],
    ['no failure allowed', { failureThreshold: 0 }, 'HealthProbe: failureThreshold must be an integer >= 1, got 0'],
    ['fractional failures', { failureThreshold: 1.5 }, 'HealthProbe: failureThreshold must be an integer >= 1, got 1.5'],
  ])('refuses %s', (_case, options, message) => {
    expect(() => HealthProbe.httpGet('/ready', options)).toThrow(new ConfigError(message));
  });
});
