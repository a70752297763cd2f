// accord-engine for browsers and bundlers: the .wasm is fetched next to this
// file (`new URL(..., import.meta.url)`, which bundlers understand).
import { setup, setupSync } from './api.js';

export * from './api.js';

/**
 * Loads the WebAssembly module once; later calls return at once.
 * `input`: a URL, a Response, bytes or a compiled WebAssembly.Module
 * (by default `accord_wasm_bg.wasm` next to this file).
 */
export function init(input) {
  return setup(input ?? new URL('./accord_wasm_bg.wasm', import.meta.url));
}

/** `init` from bytes or a compiled module, synchronously. */
export function initSync(input) {
  return setupSync(input);
}

export default init;
