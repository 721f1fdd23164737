export const PG_PASSWORD: string;

/** The newest PostgreSQL whose initdb is installed. */
export function postgresBin(): string;

export interface PgServer {
  port: number;
  /** A URL for a database of this server (created by createDatabase). */
  url(database: string, password?: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server, keeping its data: a database gone away. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes every file. */
  destroy(): Promise<void>;
}

export function startPostgres(options?: { durable?: boolean }): Promise<PgServer>;
