// The access requests and stream: each acts on the screen that called (caller.screen). A call
// without a screen is trusted in-process code (tests, the command line): it reads as a script
// and cannot sign in. The router has checked the permission already; the work is Access's
// (../access/access.ts).
import type { ApiHandlers, Caller } from './router';
import type { Access, ChangedBy } from '../access/access';

type AccessRequests = Pick<
  ApiHandlers['requests'],
  | 'getAccess'
  | 'createAdministrator'
  | 'signIn'
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

export function accessHandlers(access: Access): {
  requests: AccessRequests;
  streams: AccessStreams;
} {
  return {
    requests: {
      getAccess: (_input, caller) => access.access(caller.screen),
      createAdministrator: (input, caller) => access.createAdministrator(caller.screen, input),
      signIn: ({ username, password }, caller) => access.signIn(caller.screen, username, password),
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
