/** The `deepline` executable: bin/deepline.js runs the compiled form of this file. */
import { exitAfterFlush } from './exit-after-flush.ts';
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly: the engine's worker threads would otherwise keep the process alive.
await exitAfterFlush(code);
