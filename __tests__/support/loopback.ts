import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as path from 'path';
import { missingTool } from './test-tools';

/**
 * Loopback servers for the pipeline's attack tests: they listen on 127.0.0.1 only, record every
 * request (method, path, Authorization header), and serve Git over smart HTTP through the real
 * `git http-backend`, or plain files.
 */

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
}

export interface LoopbackServer {
  /** `host:port`, as git's credential protocol names it. */
  readonly host: string;
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Answer 401 with a Basic challenge unless the request carries exactly this `user:password`. */
  readonly login?: string;
  /** Serve the bare repositories of this folder with `git http-backend`. */
  readonly gitRoot?: string;
  /** Serve these paths with these bodies (404 otherwise). */
  readonly files?: Record<string, Buffer>;
  /** Answer every request with a redirect to this base URL. */
  readonly redirectTo?: string;
  /** TLS key and certificate: https instead of http. */
  readonly tls?: { key: string; cert: string };
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command. */
export function selfSignedCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate (${r.error ? missingTool('openssl') : 'see its message'}): ${r.stderr ?? r.error}`);
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

/** Runs `git http-backend` as a CGI program for one request. */
function gitBackend(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
    },
  });
  const out: Buffer[] = [];
  cgi.stdout.on('data', (b: Buffer) => out.push(b));
  cgi.stderr.resume();
  req.pipe(cgi.stdin);
  cgi.on('close', () => {
    const all = Buffer.concat(out);
    const sep = all.indexOf('\r\n\r\n') >= 0 ? all.indexOf('\r\n\r\n') : all.indexOf('\n\n');
    const gap = all.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of all.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at < 0) continue;
      const name = line.slice(0, at).trim();
      const value = line.slice(at + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(all.subarray(sep + gap));
  });
}

export function startServer(options: ServerOptions): Promise<LoopbackServer> {
  const seen: SeenRequest[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    if (options.login !== undefined && req.headers.authorization !== `Basic ${Buffer.from(options.login).toString('base64')}`) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="login"', 'Content-Type': 'text/plain' });
      res.end('login required\n');
      return;
    }
    if (options.redirectTo !== undefined) {
      req.resume();
      res.writeHead(302, { Location: `${options.redirectTo}${req.url ?? '/'}` });
      res.end();
      return;
    }
    if (options.gitRoot) {
      gitBackend(options.gitRoot, req, res);
      return;
    }
    req.resume();
    const body = options.files?.[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
    if (body === undefined) {
      res.writeHead(404);
      res.end('not found\n');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(body);
    }
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const host = `127.0.0.1:${port}`;
      resolve({
        host,
        url: `${options.tls ? 'https' : 'http'}://${host}`,
        seen,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop, so the loopback servers can answer it. */
export function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
