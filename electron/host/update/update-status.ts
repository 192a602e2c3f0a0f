// What the updater shows and tells the server, from the policy's decision and what it knows;
// with where this workstation stands for the policy: its staging bucket, platform and local time.
import { createHash } from 'node:crypto';
import type { UpdateStatus } from '../../../shared/api/contract-update';
import type { UpdatePlatform, UpdateState } from '../../../shared/update/release';
import type { DownloadState, LocalTime, MonitoredBed, UpdateDecision } from './policy';

/** 0–99 from the workstation's id and the version: stable per version, spread across workstations. */
export function stagingBucket(workstationId: string, version: string): number {
  return createHash('sha256').update(`${workstationId}\n${version}`).digest().readUInt32BE(0) % 100;
}

/** The feed this computer reads: win, mac or linux. */
export function thisPlatform(platform: NodeJS.Platform = process.platform): UpdatePlatform {
  return platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : 'linux';
}

export function localTimeOf(ms: number): LocalTime {
  const date = new Date(ms);
  return { weekday: date.getDay(), minute: date.getHours() * 60 + date.getMinutes() };
}

export interface StatusFacts {
  decision: UpdateDecision;
  runningVersion: string;
  /** The version offered (from the feed or brought offline) and where its file is. */
  candidate: { version: string; download: DownloadState } | null;
  installing: boolean;
  /** The last round's failure (feed, download, installer), shown until a round goes well. */
  problem: string | null;
  /** The installer (the shell's electron-updater) could not take the ready file. */
  installerProblem: string | null;
  enrolled: boolean;
  monitoredBeds: MonitoredBed[];
  /** This version failed to start twice (start-record.ts): said first, until IT acts. */
  failedStart?: { version: string; message: string } | null;
}

export function composeUpdateStatus(facts: StatusFacts): UpdateStatus {
  const { decision, candidate, runningVersion } = facts;
  let state: UpdateState = 'current';
  let line = decision.status;
  if (facts.installing) state = 'installing';
  else if (facts.failedStart) {
    state = 'failed-start';
    line = facts.failedStart.message;
  } else if (decision.reason === 'refused' || decision.reason === 'no-signing-key')
    state = 'refused';
  else if (decision.reason === 'ready' && facts.installerProblem) {
    state = 'error';
    line = `Update ${candidate?.version} downloaded, but the installer could not take it: ${facts.installerProblem}; it will try again`;
  } else if (decision.reason === 'ready') state = 'ready';
  else if (facts.problem) {
    state = 'error';
    const subject =
      decision.reason === 'download' && candidate
        ? `Update ${candidate.version} not downloaded`
        : `Version ${runningVersion}`;
    line = `${subject} — ${facts.problem}; it will try again`;
  } else if (decision.reason === 'download' || decision.reason === 'downloading') {
    state = 'downloading';
  } else if (!facts.enrolled && !candidate) {
    line = `Version ${runningVersion} — updates come from the central server once this workstation is enrolled`;
  }
  const download = candidate?.download;
  return {
    state,
    runningVersion,
    offeredVersion:
      state === 'current'
        ? null
        : state === 'failed-start'
          ? facts.failedStart!.version
          : (candidate?.version ?? null),
    line,
    progress:
      download?.kind === 'downloading'
        ? { receivedBytes: download.receivedBytes, totalBytes: download.totalBytes }
        : null,
    installable: state === 'ready' || (state === 'failed-start' && decision.reason === 'ready'),
    monitoredBeds: facts.monitoredBeds,
    required: decision.required,
  };
}
