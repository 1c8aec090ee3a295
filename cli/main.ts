/** Entry point of the `herald` command (bin/herald.js loads this through tsx). */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);
