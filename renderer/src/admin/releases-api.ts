// The admin page's calls of the central server's release api (same origin, admin token as a bearer
// header): uploads of a signed release and its files, channels, and the workstations' versions.
// Failures become AdminError with a sentence for a person; answers are parsed with the api's schemas.
import type { z } from 'zod';
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
import { adminStrings as s } from '../strings/admin';
import { AdminError } from './admin-api';

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
  async function call<T>(
    path: string,
    schema: z.ZodType<T>,
    init: { method?: string; json?: unknown; body?: Blob } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetcher(path, {
        method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.body ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        ...(init.body ? { body: init.body } : {}),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new AdminError(s.unreachable);
    }
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      // not JSON: said below
    }
    if (response.status === 401) throw new AdminError(s.tokenRefused, true);
    if (!response.ok) {
      const message = (json as { message?: unknown } | null)?.message;
      throw new AdminError(s.refused(response.status, typeof message === 'string' ? message : ''));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AdminError(s.unreadable);
    return parsed.data;
  }

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
