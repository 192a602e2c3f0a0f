// The words of the admin page's Releases section: uploading IT's signed releases, the channels
// that offer them, and which workstation runs which version.
import type { UpdateState } from '../../../shared/update/release';

const PLATFORMS = { win: 'Windows', mac: 'macOS', linux: 'Linux' } as const;

export const releaseStrings = {
  title: 'Releases',
  hint:
    'Workstations update from this server. Sign a release with `server release sign` on the ' +
    'machine that holds the release key, then upload the release-<platform>.json and its files ' +
    'here, and publish it to a channel.',
  keys: (ids: string[]) => `Signatures are checked with key ${ids.join(', ')}.`,
  noKeys:
    'This server has no update public key, so it publishes nothing. Start it with ' +
    '--update-public-key FILE (the .pub.pem that `server release keygen` wrote).',
  refresh: 'Refresh',
  loading: 'Loading the releases…',
  platform: (p: keyof typeof PLATFORMS) => PLATFORMS[p],

  uploadTitle: 'Upload a release',
  releaseJson: 'Signed release (release-<platform>.json)',
  releaseFiles: 'Its files (installer, zip, …)',
  upload: 'Upload',
  uploading: (what: string, n: number, of: number) => `Uploading ${what} (${n} of ${of})…`,
  uploaded: (version: string, platform: string) => `${version} for ${platform} is uploaded.`,
  noJson: 'Choose the signed release (release-<platform>.json).',
  jsonUnreadable: 'That file is not a signed release: it is not JSON.',
  notInRelease: (names: string[]) =>
    `Not in the signed release, so not uploaded: ${names.join(', ')}.`,
  missingFiles: (names: string[]) =>
    `Still to upload before it can be published: ${names.join(', ')}.`,

  releasesCaption: 'The releases uploaded to this server',
  noReleases: 'No release is uploaded yet.',
  columns: {
    version: 'Version',
    platform: 'Platform',
    key: 'Signed with key',
    files: 'Files',
    uploaded: 'Uploaded',
    channel: 'Channel',
    rollout: 'Offered to (%)',
    minimum: 'Minimum version',
    windows: 'Maintenance windows',
    changed: 'Changed',
    actions: 'Actions',
    workstation: 'Workstation',
    runs: 'Runs',
    state: 'Update',
    reported: 'Reported',
  },
  filesComplete: (done: number, of: number) =>
    done === of ? `${of} complete` : `${done} of ${of}`,

  channelsTitle: 'Channels',
  channelsHint:
    'Each channel offers one version per platform. "Offered to" stages it: that share of the ' +
    'channel’s workstations is offered it now. A workstation below the minimum version updates at ' +
    'its first safe moment, whatever the staging. No workstation installs while a bed is monitored; ' +
    'one with no bed monitored installs by itself inside a maintenance window (its local time).',
  channelsCaption: 'What each channel offers',
  nothingPublished: 'Nothing',
  notPublished: 'Not published',
  chooseVersion: 'Choose a version',
  noMinimum: 'none',
  save: 'Save',
  saving: 'Saving…',
  saved: (channel: string, platform: string) => `The ${channel} channel for ${platform} is saved.`,
  rolloutInvalid: 'The share offered is a number from 0 to 100.',
  minimumInvalid: 'The minimum version is empty or like 1.2.3.',
  windowsPlaceholder: 'e.g. Sun 02:00–04:00, Daily 03:00–03:30',
  saveLabel: (channel: string, platform: string) => `Save the ${channel} channel for ${platform}`,
  confirmTitle: (version: string, platform: string) =>
    `Offer ${version} to every stable workstation on ${platform}?`,
  confirmHint:
    'Every workstation on the stable channel will download this version and install it at its ' +
    'next safe moment (no bed monitored). Staging it to a share of them first (e.g. 10 %) limits ' +
    'what a bad release can reach.',
  confirmAct: 'Offer to all',

  workstationsTitle: 'Versions on the workstations',
  workstationsCaption: 'Which workstation runs which version, and what its updater last said',
  noWorkstations: 'No workstation is enrolled yet.',
  noReport: 'No report yet',
  state: (state: UpdateState, offered: string | null) =>
    ({
      current: 'Up to date',
      downloading: `Downloading ${offered ?? ''}`,
      ready: `${offered ?? 'Update'} ready, waits for no bed monitored`,
      installing: `Installing ${offered ?? ''}`,
      refused: `Refused ${offered ?? 'an update'}: it did not match its signature`,
      'failed-start': `${offered ?? 'A version'} failed to start twice`,
      error: 'Could not check or download; tries again',
    })[state].trim(),
  onChannel: (channel: string) => `on ${channel}`,
};
