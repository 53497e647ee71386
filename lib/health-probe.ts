import { k8s } from 'cdk8s-plus-27';
import { ConfigError } from './errors';
import { checkOptions } from './prop-schema';
import { HealthProbeOptionsSchema } from './prop-schemas';

export interface HealthProbeOptions {
  /**
   * Seconds between probes.
   * @default 10
   */
  readonly periodSeconds?: number;
  /**
   * Failures in a row before the probe fails.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Seconds a probe may take.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds to wait before the first probe.
   * @default 0 (the startup probe covers slow starts)
   */
  readonly initialDelaySeconds?: number;
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
    for (const [key, min] of [['periodSeconds', 1], ['failureThreshold', 1], ['timeoutSeconds', 1], ['initialDelaySeconds', 0]] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new ConfigError(`HealthProbe: ${key} must be an integer >= ${min}, got ${v}`);
    }
  }

  /** The Kubernetes probe, for an app listening on `appPort`. */
  public toKube(appPort: number): k8s.Probe {
    const port = k8s.IntOrString.fromNumber(this.options.port ?? appPort);
    return {
      httpGet: this.action.path ? { path: this.action.path, port } : undefined,
      tcpSocket: !this.action.path && !this.action.command ? { port } : undefined,
      exec: this.action.command ? { command: this.action.command } : undefined,
      initialDelaySeconds: this.options.initialDelaySeconds,
      periodSeconds: this.options.periodSeconds ?? 10,
      timeoutSeconds: this.options.timeoutSeconds ?? 3,
      failureThreshold: this.options.failureThreshold ?? 3,
    };
  }
}
