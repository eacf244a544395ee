import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './processes';

export interface RunningNginx {
  url: string;
  stop(): Promise<void>;
}

/** Debian's nginx (`.ci/run` installs it when missing). */
export function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'])
    if (existsSync(p)) return p;
  throw new Error('nginx is not installed (apt-get install nginx; .ci/run does it)');
}

/**
 * Runs the repository's deploy/nginx/nginx.conf unchanged except for what only Docker provides: the
 * replica addresses (`backend:3000` becomes the given instances), the listen address and writable
 * temp paths. `proxyBind` is the address nginx connects to the instances from (its TRUSTED_PROXIES).
 */
export async function startNginx(opts: {
  listen: string;
  port: number;
  upstreams: string[];
  proxyBind: string;
}): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
  chmodSync(dir, 0o777);
  const original = readFileSync(join(REPO_ROOT, 'deploy', 'nginx', 'nginx.conf'), 'utf8');
  const servers = (extra: string) =>
    opts.upstreams.map((u) => `server ${u}${extra};`).join('\n    ');
  const conf = original
    .replace(/server backend:3000( [^;]*)?;/g, (_m, extra: string | undefined) =>
      servers(extra ?? ''),
    )
    .replace('listen 80;', `listen ${opts.listen}:${opts.port};\n    proxy_bind ${opts.proxyBind};`)
    .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;\ndaemon off;`)
    .replace('access_log /dev/stdout;', 'access_log off;')
    .replace('error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;`)
    .replace(
      'http {',
      `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n` +
        `  fastcgi_temp_path ${dir}/fastcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;`,
    )
    .replace('worker_processes auto;', 'worker_processes 1;');
  if (conf.includes('backend:3000')) throw new Error('nginx.conf: upstream not rewritten');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(
    nginxBinary(),
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const url = `http://${opts.listen}:${opts.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await fetch(`${url}/health/live`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
