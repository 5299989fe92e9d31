import { buildProduct } from '../../scripts/build.js';
import { BOT_ENTRY, REPO } from '../lib/child.js';

/**
 * The production build (scripts/build.ts, what `npm run build` writes to dist/) of bench/botProcess.ts,
 * which starts the product exactly as src/index.ts does: in a folder of the chaos run's own (git ignores
 * bench/.data/), so that a bench run elsewhere never swaps the build under a trial. Returns its entry file.
 */
export async function buildChaosBot(): Promise<string> {
  const build = await buildProduct({ entry: BOT_ENTRY, outdir: `${REPO}/bench/.data/chaos-build`, name: 'botProcess', alsoAtStart: ['src/config.ts', 'src/log.ts', 'src/product.ts'] });
  return build.file;
}
