// A throwaway PostgreSQL server for the bench: initdb into a temporary folder (as `postgres` when
// run as root, since initdb refuses root), started on a free loopback port, removed at the end.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const PASSWORD = 'mes-webhooks-bench';

function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${root}: install the postgresql package`);
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export async function startPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'mes-webhooks-bench-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const sh = (tool, args) =>
    asRoot
      ? exec('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : exec(path.join(bin, tool), args);
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout);
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  await sh('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--pwfile',
    pwfile,
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
  ]);
  const port = await freePort();
  // Default durability settings (fsync and synchronous commit on): the comparison is with a file
  // log whose appends are acknowledged once written.
  await sh('pg_ctl', [
    'start',
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
  ]);
  return {
    url: (db) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${db}`,
    async createDatabase(name) {
      await sh('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
      return this.url(name);
    },
    async destroy() {
      await sh('pg_ctl', ['stop', '-D', data, '-w', '-m', 'fast']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
