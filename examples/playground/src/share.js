// Sharing: the files as JSON, deflated (CompressionStream "deflate-raw"),
// base64url, in location.hash as `#files=…`.
async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

function b64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function unb64url(text) {
  const s = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export async function encode(files) {
  const json = new TextEncoder().encode(JSON.stringify(files.map((f) => ({ name: f.name, text: f.text }))));
  return b64url(await pipe(json, new CompressionStream('deflate-raw')));
}

export async function decode(text) {
  const bytes = await pipe(unb64url(text), new DecompressionStream('deflate-raw'));
  const files = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(files) || !files.every((f) => typeof f.name === 'string' && typeof f.text === 'string')) throw new Error('not a list of files');
  return files;
}
