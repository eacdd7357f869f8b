// A function's results kept for the process, for inputs that come back again and again
// (the same keys, the same password, for every certificate).

/**
 * `compute`, remembering the results of the last `kept` inputs (the oldest forgotten
 * first). A call that throws remembers nothing.
 */
export function memoized<K, V>(kept: number, compute: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    if (results.has(key)) return results.get(key)!;
    const value = compute(key);
    if (results.size >= kept) results.delete(results.keys().next().value!);
    results.set(key, value);
    return value;
  };
}
