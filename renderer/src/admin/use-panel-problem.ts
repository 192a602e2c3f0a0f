// A panel's own problem line: a refused admin token goes to the page (sign in again); any other
// failure is said in the panel that met it.
import { useCallback, useState } from 'react';
import { AdminError } from './admin-api';

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function usePanelProblem(onFailed: (error: unknown) => void) {
  const [problem, setProblem] = useState<string | null>(null);
  const failedHere = useCallback(
    (error: unknown) => {
      if (error instanceof AdminError && error.unauthenticated) onFailed(error);
      else setProblem(reasonOf(error));
    },
    [onFailed],
  );
  return { problem, setProblem, failedHere };
}
