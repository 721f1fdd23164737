// A throwaway PostgreSQL server, for the tests and the bench alike (so it is JavaScript: the bench
// runs on plain Node): initdb into a temporary folder, started on a free loopback port with its
// socket in that folder, removed at the end. initdb refuses to run as root, so as root it runs as
// `postgres`.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PG_PASSWORD = 'mes-webhooks-test';

/** The newest PostgreSQL whose initdb is installed (Debian keeps them in /usr/lib/postgresql/N/bin). */
export function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`no PostgreSQL under ${root}: install the postgresql package (.ci/run does)`);
  return path.join(root, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server. `durable` keeps PostgreSQL's default durability (fsync and synchronous commit),
 * as the bench needs to compare it with a file log; tests leave it off, for speed.
 */
export async function startPostgres({ durable = false } = {}) {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'mes-webhooks-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const sh = (tool, args) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : run(path.join(bin, tool), args);
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
  if (asRoot) {
    const { stdout: user } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(user), Number(group));
    chownSync(pwfile, Number(user), Number(group));
  }
  const auth = ['--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust'];
  await sh('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    ...auth,
    '-E',
    'UTF8',
    ...(durable ? [] : ['--no-sync']),
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durable ? '' : ' -c fsync=off'}`;
  const start = async () => {
    await sh('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '30',
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      options,
    ]);
  };
  const stop = async () => {
    await sh('pg_ctl', ['stop', '-D', data, '-w', '-m', 'fast']);
  };
  await start();
  const url = (database, password = PG_PASSWORD) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      await sh('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
