// Test support: one long-lived `psql` process as a SqlExecutor, so the migration runner can be
// checked against a real PostgreSQL server without the `pg` package. psql 15 has no bind
// parameters, so they are inlined as literals (only numbers and strings are needed here).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { SqlExecutor } from './migrate';

export const POSTGRES_URL_FOR_HUMANS = 'postgres@127.0.0.1:5432/test';
export const PSQL_ARGS = [
  '-h',
  '127.0.0.1',
  '-p',
  '5432',
  '-U',
  'postgres',
  '-d',
  'test',
  '-X',
  '-v',
  'ON_ERROR_STOP=1',
];

interface Command {
  marker: string;
  lines: string[];
  resolve(lines: string[]): void;
  reject(error: Error): void;
}

export class PsqlSession implements SqlExecutor {
  readonly #psql: ChildProcessWithoutNullStreams;
  readonly #commands: Command[] = [];
  #stderr = '';
  #stdoutTail = '';
  #ended: Error | null = null;
  #nextMarker = 1;

  constructor() {
    this.#psql = spawn('psql', [...PSQL_ARGS, '-q', '-A', '-t'], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
    });
    this.#psql.stdout.setEncoding('utf8').on('data', (text: string) => this.#read(text));
    this.#psql.stderr.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.#psql.on('error', (error) => this.#end(describeSpawnFailure(error)));
    // 'close' rather than 'exit': stderr is complete by then.
    this.#psql.on('close', (code) => this.#end(`psql exited with code ${code}: ${this.#stderr}`));
  }

  exec(sql: string): Promise<unknown> {
    return this.#run(sql);
  }

  async query(sql: string, params: unknown[] = []): Promise<{ rows: unknown[] }> {
    const inlined = sql.replace(/\$(\d+)/g, (_, index: string) =>
      toLiteral(params[Number(index) - 1]),
    );
    if (!/^\s*select\b/i.test(inlined)) {
      await this.#run(inlined);
      return { rows: [] };
    }
    const lines = await this.#run(
      `SELECT coalesce(jsonb_agg(to_jsonb(q)), '[]'::jsonb) FROM (${inlined}) q`,
    );
    return { rows: JSON.parse(lines.join('')) as unknown[] };
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    const exited = new Promise((resolve) => this.#psql.once('close', resolve));
    this.#psql.stdin.end('\\q\n');
    await exited;
  }

  #run(sql: string): Promise<string[]> {
    if (this.#ended) return Promise.reject(this.#ended);
    const marker = `__psql_session_done_${this.#nextMarker++}__`;
    return new Promise((resolve, reject) => {
      this.#commands.push({ marker, lines: [], resolve, reject });
      // The newline before ';' ends any trailing -- comment in the SQL.
      this.#psql.stdin.write(`${sql}\n;\n\\echo ${marker}\n`);
    });
  }

  #read(text: string): void {
    const lines = (this.#stdoutTail + text).split('\n');
    this.#stdoutTail = lines.pop() ?? '';
    for (const line of lines) {
      const command = this.#commands[0];
      if (!command) continue;
      if (line !== command.marker) {
        if (line !== '') command.lines.push(line);
        continue;
      }
      this.#commands.shift();
      command.resolve(command.lines);
    }
  }

  #end(reason: string): void {
    this.#ended ??= new Error(reason.trim());
    for (const command of this.#commands.splice(0)) command.reject(this.#ended);
  }
}

function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`PsqlSession cannot inline a parameter of type ${typeof value}`);
}

function describeSpawnFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') {
    return `psql is not installed (install postgresql-client); it is needed to test against PostgreSQL at ${POSTGRES_URL_FOR_HUMANS}`;
  }
  return `psql could not start: ${error.message}`;
}
