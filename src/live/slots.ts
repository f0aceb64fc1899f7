/** At most `cap` holders per key (a remote address, an API key): take a slot before holding, give it back once done. */
export function slotsPerKey(cap: number) {
  const held = new Map<string, number>();
  return {
    take(key: string): boolean {
      const n = held.get(key) ?? 0;
      if (n >= cap) return false;
      held.set(key, n + 1);
      return true;
    },
    give(key: string): void {
      const n = (held.get(key) ?? 1) - 1;
      if (n <= 0) held.delete(key);
      else held.set(key, n);
    },
  };
}
