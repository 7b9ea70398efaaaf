/**
 * Runs one example by name: `node examples/dist/run.js quickstart`.
 */
const name = process.argv[2] ?? 'quickstart';
const examples: Record<string, () => Promise<{ main: () => Promise<unknown> }>> = {
  quickstart: () => import('./src/quickstart.js'),
  embedding: () => import('./src/embedding.js'),
  'learner-draft-bulk-deactivation': () => import('./src/learner-draft-bulk-deactivation.js'),
  'learner-profile-deactivation': () => import('./src/learner-profile-deactivation.js'),
  'reactivation-restores-teams': () => import('./src/reactivation-restores-teams.js'),
  'scheduled-deactivation': () => import('./src/scheduled-deactivation.js'),
  'data-services-import': () => import('./src/data-services-import.js'),
  'learner-page-import': () => import('./src/learner-page-import.js'),
  'projection-in-sqlite': () => import('./src/projection-in-sqlite.js'),
  'switch-to-postgres': () => import('./src/switch-to-postgres.js'),
  'auditor-as-of-report': () => import('./src/auditor-as-of-report.js'),
  'scim-provisioning': () => import('./src/scim-provisioning.js'),
};
const load = examples[name];
if (!load) {
  console.error(`Unknown example ${JSON.stringify(name)}. Examples: ${Object.keys(examples).join(', ')}`);
  process.exit(2);
}
const { main } = await load();
await main();
