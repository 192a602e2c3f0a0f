// OperationOutcome: how the FHIR api says no, in one sentence a person can act on. Pure.
import type { FhirResource } from './resources';

/** The FHIR issue-type codes the api uses. */
export type IssueCode =
  | 'invalid'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'not-supported'
  | 'too-costly'
  | 'exception'
  | 'transient';

export function operationOutcome(
  code: IssueCode,
  diagnostics: string,
  severity: 'error' | 'fatal' | 'information' = 'error',
): FhirResource {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity, code, diagnostics }],
  };
}
