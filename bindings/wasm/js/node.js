// accord-engine for Node: the .wasm is read from the package's directory.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setup, setupSync } from './api.js';

export * from './api.js';

const wasmUrl = new URL('./accord_wasm_bg.wasm', import.meta.url);

/**
 * Loads the WebAssembly module once; later calls return at once.
 * `input`: bytes or a compiled WebAssembly.Module (by default the package's
 * `accord_wasm_bg.wasm`, read from disk).
 */
export async function init(input) {
  return setup(input ?? (await readFile(wasmUrl)));
}

/** `init`, synchronously (reads and compiles the module on this thread). */
export function initSync(input) {
  return setupSync(input ?? readFileSync(wasmUrl));
}

export default init;
