/** The `deepline` executable: bin/deepline.js runs the compiled form of this file. */
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly: the engine's worker threads would otherwise keep the process alive.
process.exit(code);
