// The access requests and stream: each acts on the screen that called (caller.screen). A call
// without a screen is trusted in-process code (tests, the command line): it reads as a script
// and cannot sign in. The router has checked the permission already; the work is Access's
// (../access/access.ts).
import type { ApiHandlers, Caller } from './router';
import type { Access, ChangedBy } from '../access/access';
import { ApiError } from '../../../shared/api/errors';
import { hospitalWords, type HospitalSignIn } from '../access/hospital-sign-in';

type AccessRequests = Pick<
  ApiHandlers['requests'],
  | 'getAccess'
  | 'createAdministrator'
  | 'signIn'
  | 'beginHospitalSignIn'
  | 'finishHospitalSignIn'
  | 'resumeScreen'
  | 'unlockWithPin'
  | 'lockScreen'
  | 'signOut'
  | 'noteActivity'
  | 'setOwnPin'
  | 'listAccounts'
  | 'addAccount'
  | 'setAccountDisabled'
>;
type AccessStreams = Pick<ApiHandlers['streams'], 'access'>;

const changedBy = (caller: Caller): ChangedBy => ({
  actor: caller.actor,
  from: caller.screen?.label ?? 'the workstation',
});

/** `hospital`: sign-in with the hospital account through the central server; none: not offered. */
export function accessHandlers(
  access: Access,
  hospital: HospitalSignIn | null = null,
): {
  requests: AccessRequests;
  streams: AccessStreams;
} {
  return {
    requests: {
      getAccess: async (_input, caller) => ({
        ...access.access(caller.screen),
        hospitalSignIn: hospital !== null && (await hospital.offered()),
      }),
      createAdministrator: (input, caller) => access.createAdministrator(caller.screen, input),
      signIn: ({ username, password }, caller) => access.signIn(caller.screen, username, password),
      beginHospitalSignIn: (_input, caller) => {
        if (!hospital) throw new ApiError('not_found', hospitalWords.notOffered);
        return hospital.begin(caller.screen);
      },
      finishHospitalSignIn: ({ attemptId }, caller) => {
        if (!hospital || !caller.screen)
          throw new ApiError('not_found', hospitalWords.unknownAttempt);
        return hospital.finish(caller.screen, attemptId);
      },
      resumeScreen: ({ token }, caller) => access.resumeScreen(caller.screen, token),
      unlockWithPin: ({ pin }, caller) => access.unlockWithPin(caller.screen, pin),
      lockScreen: (_input, caller) => access.lockScreen(caller.screen),
      signOut: (_input, caller) => access.signOut(caller.screen),
      noteActivity: (_input, caller) => access.noteActivity(caller.screen),
      setOwnPin: ({ password, pin }, caller) => access.setOwnPin(caller.screen, password, pin),
      listAccounts: () => access.listAccounts(),
      addAccount: (input, caller) => access.addAccount(input, changedBy(caller)),
      setAccountDisabled: ({ userId, disabled }, caller) =>
        access.setAccountDisabled(userId, disabled, changedBy(caller)),
    },
    streams: {
      access: (_input, emit, caller) => {
        if (caller.screen) return caller.screen.subscribe(emit);
        emit(access.access(undefined));
        return () => undefined;
      },
    },
  };
}
