/**
 * Runs one example by name: `node examples/dist/run.js quickstart`.
 */
const name = process.argv[2] ?? 'quickstart';
const examples: Record<string, () => Promise<{ main: () => Promise<unknown> }>> = {
  quickstart: () => import('./src/quickstart.js'),
};
const load = examples[name];
if (!load) {
  console.error(`Unknown example ${JSON.stringify(name)}. Examples: ${Object.keys(examples).join(', ')}`);
  process.exit(2);
}
const { main } = await load();
await main();
