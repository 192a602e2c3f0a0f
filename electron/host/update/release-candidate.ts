// The release the updater is working towards: the feed's offer or one brought offline (the
// newer), and getting the feed's one onto this disk, signature and sha512 checked.
import {
  compareVersions,
  type ReleaseFile,
  type SignedRelease,
  type UpdatePlatform,
} from '../../../shared/update/release';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OFFLINE_RELEASE_FILE, type StagedRelease } from './bundle';
import { downloadReleaseFile, type DownloadRequest } from './download';
import { feedPath, fetchSignedRelease, type FeedSource, type UpdateFeed } from './feed';
import type { DownloadState } from './policy';
import { ReleaseRefusedError, signedFile, verifySignedRelease, type TrustedKey } from './signature';

export interface Candidate {
  source: 'feed' | 'offline';
  version: string;
  /** Which file of which release: a change starts again. */
  identity: string;
  /** The installer's file name in the updates folder. */
  fileName: string;
  download: DownloadState;
  release: SignedRelease | null;
  file: ReleaseFile | null;
  path: string | null;
  /** The signed release refused, to try again only when the server has another. */
  refusedJson: string | null;
}

/** The newer of the feed's offer and an offline release (already checked); null: neither. */
export function chooseCandidate(
  feed: UpdateFeed | null,
  offline: StagedRelease | null,
): Candidate | null {
  if (offline && (!feed || compareVersions(offline.release.manifest.version, feed.version) > 0)) {
    return {
      source: 'offline',
      version: offline.release.manifest.version,
      identity: `offline ${offline.release.signature}`,
      fileName: offline.file.name,
      download: { kind: 'ready' },
      release: offline.release,
      file: offline.file,
      path: offline.path,
      refusedJson: null,
    };
  }
  if (!feed) return null;
  return {
    source: 'feed',
    version: feed.version,
    identity: `feed ${feed.version} ${feed.file.name} ${feed.file.sha512}`,
    fileName: feed.file.name,
    download: { kind: 'none' },
    release: null,
    file: null,
    path: null,
    refusedJson: null,
  };
}

export interface CandidateDownload {
  source: FeedSource & { platform: UpdatePlatform };
  keys: readonly TrustedKey[];
  runningVersion: string;
  folder: string;
  download: Pick<
    DownloadRequest,
    'keepFreeBytes' | 'freeBytes' | 'idleTimeoutMs' | 'connectTimeoutMs'
  >;
  onProgress: () => void;
  log: (message: string) => void;
}

/**
 * Fetches and checks the signed release, then downloads its file: the candidate ends ready,
 * refused (with why), or back to none; returns the problem to show when it could not be done.
 */
export async function downloadCandidate(
  candidate: Candidate,
  feed: UpdateFeed,
  o: CandidateDownload,
): Promise<string | null> {
  let json: string | null = null;
  try {
    json = await fetchSignedRelease(o.source);
    const release = verifySignedRelease(json, {
      keys: o.keys,
      platform: o.source.platform,
      runningVersion: o.runningVersion,
      feedVersion: feed.version,
    });
    const file = signedFile(release, feed.file.name);
    if (feed.file.sha512 !== file.sha512) {
      throw new ReleaseRefusedError(
        'file-mismatch',
        `the feed's sha512 of ${file.name} is not the one signed`,
      );
    }
    const result = await downloadReleaseFile({
      ...o.download,
      endpoint: o.source.endpoint,
      path: feedPath(o.source.channel, file.name),
      credential: o.source.credential ?? null,
      folder: o.folder,
      file,
      version: feed.version,
      onProgress: (receivedBytes, totalBytes) => {
        candidate.download = { kind: 'downloading', receivedBytes, totalBytes };
        o.onProgress();
      },
    });
    candidate.release = release;
    candidate.file = file;
    candidate.path = result.path;
    candidate.download = { kind: 'ready' };
    o.log(`update: ${feed.version} downloaded and checked (${result.path})`);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof ReleaseRefusedError) {
      candidate.download = { kind: 'refused', detail: message };
      candidate.refusedJson = json;
      o.log(`update: ${feed.version} refused, nothing installed: ${message}`);
      return null;
    }
    candidate.download = { kind: 'none' };
    o.log(`update: ${feed.version} not downloaded: ${message}`);
    return message;
  }
}

/**
 * Removes from the updates folder what no longer serves (an installed version's file, a partial
 * download of a version no longer offered): disk space is for monitoring data. `candidate`
 * is null when nothing newer than the running version is offered.
 */
export function pruneUpdatesFolder(folder: string, candidate: Candidate | null): void {
  const keep = candidate?.fileName;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (keep !== undefined && name.startsWith(keep)) continue;
    if (candidate?.source === 'offline' && name === OFFLINE_RELEASE_FILE) continue;
    rmSync(join(folder, name), { force: true, recursive: true });
  }
}
