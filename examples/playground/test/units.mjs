// The zip writer and the share link's encoding, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { crc32, zip } from '../src/zip.js';
import { encode, decode } from '../src/share.js';

test('CRC-32 of the standard check string', () => {
  // The CRC-32 catalogue's check value: "123456789" → 0xCBF43926.
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('the zip is read back by unzip and Python zipfile, byte for byte', () => {
  const files = [{ name: 'a.accord', text: 'enum R { a, b }\n' }, { name: 'բ.accord', text: '// Ընտանեկան նպաստ\n' }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-zip-'));
  try {
    fs.writeFileSync(path.join(dir, 'x.zip'), zip(files));
    assert.match(execFileSync('unzip', ['-t', path.join(dir, 'x.zip')], { encoding: 'utf8' }), /No errors detected in compressed data/);
    // Python's zipfile reads the UTF-8 names (flag bit 11) and checks each CRC.
    const read = execFileSync('python3', ['-c', 'import zipfile, sys, json\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps([{"name": n, "text": z.read(n).decode()} for n in z.namelist()]))', path.join(dir, 'x.zip')], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(read), files);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('share links round-trip, and are base64url', async () => {
  const files = [{ name: 'a.accord', text: 'program p "П" {}\n'.repeat(50) }];
  const code = await encode(files);
  assert.match(code, /^[A-Za-z0-9_-]+$/);
  assert.ok(code.length < JSON.stringify(files).length / 4, 'compressed');
  assert.deepEqual(await decode(code), files);
  await assert.rejects(decode('AAAA'));
});
