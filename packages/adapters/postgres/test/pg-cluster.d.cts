/** A throwaway PostgreSQL cluster started for the test run (see pg-cluster.cjs). */
export interface TestCluster {
  readonly root: string;
  readonly data: string;
  readonly binDir: string;
  readonly port: number;
  readonly url: string;
}
export function startCluster(options?: { candidates?: readonly string[]; explicit?: string; durable?: boolean }): Promise<TestCluster>;
export function stopCluster(cluster: TestCluster): void;
export function findBinDir(candidates?: readonly string[], explicit?: string): string;
