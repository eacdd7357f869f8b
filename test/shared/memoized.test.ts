// memoized (src/shared/memoized.ts): results kept for the inputs used last only, failures never.
import { memoized } from "../../src/shared/memoized.js";

test("a result is computed once while its input is among the last `kept` used; the least recently used is forgotten first", () => {
  const computed: number[] = [];
  const square = memoized(2, (n: number) => {
    computed.push(n);
    return n * n;
  });
  expect([square(2), square(2), square(3), square(2)]).toEqual([4, 4, 9, 4]);
  expect(computed).toEqual([2, 3]);
  square(4); // forgets 3: 2 was used after it
  expect(square(2)).toBe(4);
  expect(square(3)).toBe(9);
  expect(computed).toEqual([2, 3, 4, 3]);
});

test("a call that throws remembers nothing: the next call computes again", () => {
  let calls = 0;
  const flaky = memoized(4, (key: string) => {
    calls++;
    if (calls === 1) throw new Error(`no ${key} yet`);
    return key.length;
  });
  expect(() => flaky("abc")).toThrow("no abc yet");
  expect(flaky("abc")).toBe(3);
  expect(flaky("abc")).toBe(3);
  expect(calls).toBe(2);
});
