import { findBinDir } from './pg-cluster.cjs';

// The test server's setup never skips silently: without binaries it says how to provide a server.
describe('the test PostgreSQL setup', () => {
  it('says how to provide a server when no PostgreSQL binaries are found', () => {
    expect(() => findBinDir(['/nonexistent/postgresql/bin'], '')).toThrow(
      /PostgreSQL tests need a server, and none was given or found\.\n  Either set DATABASE_URL=.*\n  or install the PostgreSQL server binaries .*\n  or set PG_BIN_DIR .*\n  Looked in: \/nonexistent\/postgresql\/bin/,
    );
  });

  it('refuses a PG_BIN_DIR that does not hold the binaries instead of looking elsewhere', () => {
    expect(() => findBinDir(['/usr/lib/postgresql/15/bin'], '/nonexistent')).toThrow(/PG_BIN_DIR=\/nonexistent does not hold initdb and pg_ctl/);
  });
});
