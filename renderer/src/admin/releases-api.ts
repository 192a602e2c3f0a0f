// The admin page's calls of the central server's release api (same origin, admin token as a bearer
// header): uploads of a signed release and its files, channels, and the workstations' versions.
// Failures become AdminError with a sentence for a person; answers are parsed with the api's schemas.
import type { UpdatePlatform } from '../../../shared/update/release';
import {
  ChannelAssignment,
  RELEASE_ADMIN_PATHS,
  ReleaseOverview,
  ReleaseSummary,
  WorkstationUpdateList,
  type ChannelSettingsRequest,
  type PublishRequest,
  type WorkstationUpdate,
} from '../../../shared/update/release-admin';
import { adminCaller } from './admin-api';

export interface ReleasesApi {
  overview(): Promise<ReleaseOverview>;
  uploadRelease(signed: unknown): Promise<ReleaseSummary>;
  uploadFile(
    platform: UpdatePlatform,
    version: string,
    file: Blob,
    name: string,
  ): Promise<ReleaseSummary>;
  publish(request: PublishRequest): Promise<ChannelAssignment>;
  changeChannel(request: ChannelSettingsRequest): Promise<ChannelAssignment>;
  workstations(): Promise<WorkstationUpdate[]>;
}

export function releasesApi(token: string, fetcher: typeof fetch = fetch): ReleasesApi {
  const call = adminCaller(token, fetcher);
  return {
    overview: () => call(RELEASE_ADMIN_PATHS.releases, ReleaseOverview),
    uploadRelease: (signed) => call(RELEASE_ADMIN_PATHS.releases, ReleaseSummary, { json: signed }),
    uploadFile: (platform, version, file, name) =>
      call(RELEASE_ADMIN_PATHS.file(platform, version, name), ReleaseSummary, {
        method: 'PUT',
        body: file,
      }),
    publish: (request) => call(RELEASE_ADMIN_PATHS.publish, ChannelAssignment, { json: request }),
    changeChannel: (request) =>
      call(RELEASE_ADMIN_PATHS.channelSettings, ChannelAssignment, { json: request }),
    workstations: async () =>
      (await call(RELEASE_ADMIN_PATHS.workstationUpdates, WorkstationUpdateList)).workstations,
  };
}
