import { z } from 'zod';

export const ApiErrorCode = z.enum([
  'unauthorized',
  'invalid_request',
  'unknown_method',
  'not_found',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorShape = z.object({ code: ApiErrorCode, message: z.string() });
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** An error the api reports to its caller: a stable code and a sentence a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }

  static from(shape: unknown): ApiError {
    const parsed = ApiErrorShape.safeParse(shape);
    return parsed.success
      ? new ApiError(parsed.data.code, parsed.data.message)
      : new ApiError('internal', 'The workstation sent an error it could not describe.');
  }
}

/** Turns a schema failure into one readable sentence naming the fields at fault. */
export function describeIssues(what: string, error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(whole payload)';
    return `${where}: ${issue.message}`;
  });
  return `Invalid ${what}: ${parts.join('; ')}`;
}
