/**
 * Dotted paths into a config object (`strategy.ote.zone_low`); numeric segments index arrays
 * (`strategy.targets.extensions.0`).
 */

export type Lookup = { found: true; value: unknown } | { found: false; parent: string; keys: string[] };

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

/** Looks `path` up in `root`; when missing, says which prefix exists and what keys it has. */
export function getPath(root: unknown, path: string): Lookup {
  const segments = path.split('.');
  let cur: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (!isContainer(cur) || !Object.hasOwn(cur, seg)) {
      const keys = isContainer(cur) ? Object.keys(cur) : [];
      return { found: false, parent: segments.slice(0, i).join('.'), keys };
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/**
 * A copy of `root` with `value` at `path`; containers along the path are copied, the rest shared.
 * Missing intermediate objects are created (the schema decides whether the key is allowed).
 */
export function setPath<T>(root: T, path: string, value: unknown): T {
  const segments = path.split('.');
  const write = (node: unknown, i: number): unknown => {
    const seg = segments[i];
    const base: Record<string, unknown> | unknown[] = Array.isArray(node)
      ? [...node]
      : isContainer(node)
        ? { ...node }
        : {};
    const child = (base as Record<string, unknown>)[seg];
    (base as Record<string, unknown>)[seg] = i === segments.length - 1 ? value : write(child, i + 1);
    return base;
  };
  return write(root, 0) as T;
}
