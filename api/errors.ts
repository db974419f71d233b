import type { ZodError } from 'zod';

/** "field.path: message; other.path: message" — names the field and what to do. */
export function formatZodError(err: ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
