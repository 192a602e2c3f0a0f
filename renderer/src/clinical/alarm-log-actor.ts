// Who did something in the alarm log, as a nurse reads it: the person, or "device" for what a
// device measured or reported (its id carries the port path, which means nothing at the bedside),
// or "workstation" for what the alarm system did by itself (a reminder, the end of a pause).

/** Device ids are `<driver>@<port>`; numerics the workstation computes from one, `workstation:<id>`. */
const DEVICE_ID = /^[a-z0-9][a-z0-9-]*@\S/i;

export const DEVICE_ACTOR = 'device';

export function actorName(actor: string): string {
  if (actor.startsWith('workstation:') || DEVICE_ID.test(actor)) return DEVICE_ACTOR;
  return actor;
}
