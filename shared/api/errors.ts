import { z } from 'zod';
import { fieldSentence, fieldWords } from './field-words';

export const ApiErrorCode = z.enum([
  'unauthorized',
  /** Nobody is signed in at this screen, or it is locked: sign in (or unlock) and try again. */
  'sign_in_required',
  /** The signed-in user's role does not allow this. */
  'forbidden',
  'invalid_request',
  'unknown_method',
  'not_found',
  /** The request was based on a state that has changed since (a stale editor): look again. */
  'conflict',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorShape = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** What a program needs to act on the refusal (e.g. both sets of a patient's details). */
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** An error the api reports to its caller: a stable code and a sentence a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toShape(): ApiErrorShape {
    const shape = { code: this.code, message: this.message };
    return this.details === undefined ? shape : { ...shape, details: this.details };
  }

  static from(shape: unknown): ApiError {
    const parsed = ApiErrorShape.safeParse(shape);
    return parsed.success
      ? new ApiError(parsed.data.code, parsed.data.message, parsed.data.details)
      : new ApiError('internal', 'The workstation sent an error it could not describe.');
  }
}

/**
 * Turns a schema failure into sentences a clinician can act on: a field a person fills in is
 * named as the form names it ("Family name is required."), a message the contract words itself
 * is kept as written. What only a program could get wrong (an id, a time) stays technical,
 * naming the request and field, for the log and a bug report.
 */
export function describeIssues(what: string, error: z.ZodError): string {
  const sentences: string[] = [];
  const technical: string[] = [];
  for (const issue of error.issues) {
    const field = fieldWords(issue.path);
    if (!isBuiltIn(issue)) sentences.push(asSentence(issue.message));
    else if (field !== null) sentences.push(fieldSentence(field, issue));
    else {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(whole payload)';
      technical.push(`${where}: ${issue.message}`);
    }
  }
  if (technical.length > 0) sentences.push(`Invalid ${what}: ${technical.join('; ')}`);
  return [...new Set(sentences)].join(' ');
}

const englishDefaults = z.locales.en().localeError;
/** What the input was is not kept in an issue: its default message is compared without it. */
const withoutInput = (message: string) => message.replace(/, received \w+$/, '');

/** True for zod's own wording of a check; false for a message the contract words itself. */
function isBuiltIn(issue: z.core.$ZodIssue): boolean {
  const made = englishDefaults(issue as never);
  const text = typeof made === 'string' ? made : made?.message;
  return text !== undefined && withoutInput(text) === withoutInput(issue.message);
}

function asSentence(message: string): string {
  const capitalised = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
