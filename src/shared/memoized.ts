// A function's results kept for the process, for inputs that come back again and again
// (the same keys, the same password, for every certificate).

/**
 * `compute`, remembering the results of the `kept` inputs used last (the least recently
 * used forgotten first: an account key read for every certificate stays, however many
 * certificate keys pass through). A call that throws remembers nothing.
 */
export function memoized<K, V>(kept: number, compute: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    if (results.has(key)) {
      const value = results.get(key)!;
      // A Map iterates in insertion order: inserted again, the key is the newest.
      results.delete(key);
      results.set(key, value);
      return value;
    }
    const value = compute(key);
    if (results.size >= kept) results.delete(results.keys().next().value!);
    results.set(key, value);
    return value;
  };
}
