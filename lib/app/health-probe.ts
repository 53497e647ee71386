import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ConfigError } from '../props/errors';
import { secondsProblem } from '../props/checks';
import { checkOptions, P } from '../props/schema';

export interface HealthProbeOptions {
  /**
   * Time between probes (whole seconds).
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * Failures in a row before the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * How long a probe may take (whole seconds).
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;
  /**
   * Wait before the first probe (whole seconds).
   * @default none (the startup probe covers slow starts)
   */
  readonly initialDelay?: Duration;
  /**
   * Port to probe, e.g. a separate management port.
   * @default the app's port
   */
  readonly port?: number;
}

/** A startup, liveness or readiness probe of a JavaApp. */
export class HealthProbe {
  /** An HTTP GET that succeeds with a 2xx/3xx status, e.g. on a Spring Boot actuator health group. */
  public static httpGet(path: string, options: HealthProbeOptions = {}): HealthProbe {
    checkOptions('HealthProbe.httpGet', options, HealthProbeOptionsSchema);
    if (!path.startsWith('/')) throw new ConfigError(`HealthProbe.httpGet: path must start with '/', got "${path}"`);
    return new HealthProbe({ path }, options);
  }

  /** A TCP connection to the port. */
  public static tcpSocket(options: HealthProbeOptions = {}): HealthProbe {
    checkOptions('HealthProbe.tcpSocket', options, HealthProbeOptionsSchema);
    return new HealthProbe({}, options);
  }

  /** A command that exits 0 when healthy. */
  public static exec(command: string[], options: HealthProbeOptions = {}): HealthProbe {
    checkOptions('HealthProbe.exec', options, HealthProbeOptionsSchema);
    if (command.length === 0) throw new ConfigError('HealthProbe.exec: command must not be empty');
    return new HealthProbe({ command }, options);
  }

  private constructor(
    private readonly action: { readonly path?: string; readonly command?: string[] },
    private readonly options: HealthProbeOptions,
  ) {
    const { failureThreshold: threshold } = options;
    if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) throw new ConfigError(`HealthProbe: failureThreshold must be an integer >= 1, got ${threshold}`);
    for (const [key, min] of [['period', 1], ['timeout', 1], ['initialDelay', 0]] as const) {
      const problem = options[key] && secondsProblem(options[key], min);
      if (problem) throw new ConfigError(`HealthProbe: ${key} ${problem}`);
    }
  }

  /** The Kubernetes probe, for an app listening on `appPort`. */
  public toKube(appPort: number): k8s.Probe {
    const port = k8s.IntOrString.fromNumber(this.options.port ?? appPort);
    return {
      httpGet: this.action.path ? { path: this.action.path, port } : undefined,
      tcpSocket: !this.action.path && !this.action.command ? { port } : undefined,
      exec: this.action.command ? { command: this.action.command } : undefined,
      initialDelaySeconds: this.options.initialDelay?.toSeconds(),
      periodSeconds: (this.options.period ?? Duration.seconds(10)).toSeconds(),
      timeoutSeconds: (this.options.timeout ?? Duration.seconds(3)).toSeconds(),
      failureThreshold: this.options.failureThreshold ?? 3,
    };
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const HealthProbeOptionsSchema = P.object('HealthProbeOptions', {
  period: P.duration, failureThreshold: P.number, timeout: P.duration, initialDelay: P.duration, port: P.number,
});
