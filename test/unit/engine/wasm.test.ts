import { compile, I32, instantiate, moduleBytes, op } from '../../../src/engine/wasm';

/**
 * A scanner's memory is declared by its module at the size it needs, not grown after instantiation:
 * growing detaches the memory's old ArrayBuffer, and V8 then drops the thread's optimized code that
 * assumed no buffer is ever detached.
 */
const spec = (memoryBytes: number) =>
  moduleBytes({
    params: [I32],
    results: [I32],
    locals: [],
    globals: [],
    body: [op.localGet, 0],
    memoryBytes,
  });

test.each([
  [1, 65536],
  [65536, 65536],
  [65537, 2 * 65536],
  [2048 + 65536, 2 * 65536],
])('a module for %i bytes has %i bytes of memory from the start', (bytes, pages) => {
  const instance = instantiate(compile(spec(bytes)), []);
  const { buffer } = instance.memory;
  expect(buffer.byteLength).toBe(pages);
  expect(instance.scan(7)).toBe(7);
  expect(instance.memory.buffer).toBe(buffer); // the same, never detached
  expect(buffer.byteLength).toBe(pages);
});
