// What the "Set my PIN" form checks before it asks the host: a PIN of 4 to 8 digits, typed the
// same twice, and a password given (the host checks it is the right one).
import { PIN_PATTERN } from '../../../../shared/api/contract-access';
import { accessStrings } from '../../strings/access';

export interface SetPinEntry {
  password: string;
  pin: string;
  pinAgain: string;
}

/** The sentence to show before sending, or null when the entry may be sent. */
export function setPinProblem(entry: SetPinEntry): string | null {
  if (entry.password === '') return accessStrings.setPin.passwordNeeded;
  if (!PIN_PATTERN.test(entry.pin)) return accessStrings.setPin.pinShape;
  if (entry.pin !== entry.pinAgain) return accessStrings.pinsDiffer;
  return null;
}
