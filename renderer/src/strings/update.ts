// The words of the update line and its "Install now" confirmation (part of strings.ts).
export const updateStrings = {
  installNow: 'Install now…',
  confirmTitle: (version: string) => `Install update ${version} now?`,
  confirmNoBeds:
    'No bed is monitored. The workstation restarts to install the update (about a minute).',
  confirmBeds:
    'These beds are monitored. While the workstation restarts (about a minute) their waveforms, ' +
    'numerics and alarms are not shown or sounded here; make sure someone watches them at the ' +
    'bedside monitor or the central station first.',
  bedLine: (label: string, patient: string | null, devices: number) =>
    `${label}: ${patient ?? 'no patient admitted'}${devices > 0 ? ` — ${devices} device${devices === 1 ? '' : 's'}` : ''}`,
  /** Under the list: who may go on (the access table's roles with 'system'). */
  who: (roles: string) =>
    `Only a signed-in ${roles} can install now; if nobody is signed in here, you are asked to sign in.`,
  confirm: 'Install and restart',
  cancel: 'Cancel',
  changed:
    'The monitored beds changed while you read this list. Look at it again before you install.',
  refused: 'The update was not installed: ',
  progress: (percent: number) => ` (${percent} %)`,
};
